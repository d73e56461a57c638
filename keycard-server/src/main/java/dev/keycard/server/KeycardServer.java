package dev.keycard.server;

import dev.keycard.core.admin.Administration;
import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.KeyRotation;
import dev.keycard.core.key.NativeCrypto;
import dev.keycard.core.opaque.OpaqueAccessTokenIssuer;
import dev.keycard.core.opaque.OpaqueAccessTokenVerifier;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.ratelimit.RateLimiter;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.refresh.RefreshTokenRotation;
import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.revocation.DenylistReplica;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.store.Stores;
import dev.keycard.core.token.AccessTokenIssuer;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.JwtAccessTokenIssuer;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.VerifiedTokenCache;
import dev.keycard.core.csrf.CsrfTokens;
import dev.keycard.core.revocation.RevocationFeed;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.core.stream.StreamKeys;
import dev.keycard.core.streamlimit.InMemoryPlaybackActivity;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.server.config.CryptoChoice;
import dev.keycard.server.config.Durations;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.edge.Edge;
import dev.keycard.server.edge.EdgeVerticle;
import dev.keycard.server.edge.PlaybackDenylist;
import dev.keycard.server.edge.PlaybackRules;
import dev.keycard.server.store.StoreFactory;
import dev.keycard.server.stream.DemoStream;
import dev.keycard.server.stream.EntrySigners;
import dev.keycard.server.stream.HttpOrigin;
import dev.keycard.server.stream.IngestActivity;
import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.Origin;
import dev.keycard.server.stream.OriginPull;
import dev.keycard.server.stream.PlaybackKeys;
import dev.keycard.server.stream.PlaybackUrls;
import dev.keycard.server.stream.StreamRegistry;
import dev.keycard.server.stream.StreamLimiter;
import dev.keycard.server.stream.StreamStart;
import dev.keycard.server.stream.Streaming;
import dev.keycard.server.stream.UrlScheme;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.http.ClientAddresses;
import dev.keycard.server.anomaly.AnomalyWatch;
import dev.keycard.server.anomaly.MaxMindGeolocation;
import dev.keycard.server.config.AnomalyDetection;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.server.http.HttpVerticle;
import dev.keycard.server.http.RateLimitGate;
import dev.keycard.server.monitoring.Monitoring;
import dev.keycard.server.operator.OperatorHistory;
import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.throttle.InMemoryAttemptCounters;
import dev.keycard.server.login.CredentialProtection;
import dev.keycard.server.login.CredentialProtections;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.server.monitoring.Telemetry;
import io.micrometer.core.instrument.Gauge;
import dev.keycard.server.http.ListenerGuard;
import dev.keycard.server.http.ListenerTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running keycard: the stores, the core services wired from the configuration, the HTTP verticles
 * of its {@link Roles} (the API and origin routes on one port, the edge on another), the denylist
 * catch-up (revocations made through other instances on the same store), the change feed that
 * brings those within milliseconds when there is one (Redis), and the maintenance job
 * (key-ring and URL-key reload, purge of expired rows). Every role opens the same store; an edge
 * pulling from another process's origin reaches it over HTTP ({@link HttpOrigin}).
 */
public final class KeycardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeycardServer.class);
  /** Event-loop verticles serving HTTP; two keep both cores of a small machine busy. */
  public static final int HTTP_INSTANCES = 2;
  private static final long MAINTENANCE_PERIOD_MS = 10_000;
  /** How often the TLS files are compared with the pair in service: a renewed certificate is served within this. */
  static final long TLS_RELOAD_PERIOD_MS = 2_000;
  private static final int VERIFIED_TOKEN_CACHE = 10_000;
  /** {@code /health/ready} fails once the last denylist catch-up is older than this many intervals. */
  private static final int READY_WITHIN_CATCH_UPS = 3;
  /**
   * Sessions whose use the admin API can show: about 300 bytes each besides the id (measured with 100,000
   * sessions, one in ten with a stream), so at most about 35 MiB.
   */
  private static final long MAX_SESSIONS_SEEN = 100_000;

  private final Stores stores;
  private final DenylistReplica denylist;
  private final Vertx vertx;
  private final Services services;
  private final int port;
  private final Runnable maintenance;
  private final Streaming streaming;
  private final Edge edge;
  private final int edgePort;
  private final String edgeBaseUrl;
  private final ChangeFeed feed;
  private final Telemetry telemetry;
  private final int managementPort;
  private final PlaybackActivity playbackActivity;
  private final SharedBudgets budgets;

  private KeycardServer(Stores stores, DenylistReplica denylist, Vertx vertx, Services services, int port,
      Runnable maintenance, Streaming streaming, Edge edge, int edgePort, String edgeBaseUrl, ChangeFeed feed,
      Telemetry telemetry, int managementPort, PlaybackActivity playbackActivity, SharedBudgets budgets) {
    this.feed = feed;
    this.telemetry = telemetry;
    this.managementPort = managementPort;
    this.playbackActivity = playbackActivity;
    this.budgets = budgets;
    this.stores = stores;
    this.denylist = denylist;
    this.vertx = vertx;
    this.services = services;
    this.port = port;
    this.maintenance = maintenance;
    this.streaming = streaming;
    this.edge = edge;
    this.edgePort = edgePort;
    this.edgeBaseUrl = edgeBaseUrl;
  }

  /** {@link #start(ServerConfig, StreamingConfig, InstantSource, PasswordHasher)} with an edge on a random port. */
  public static KeycardServer start(ServerConfig config, InstantSource clock, PasswordHasher passwords) {
    return start(config, StreamingConfig.defaults(), clock, passwords);
  }

  /**
   * Opens the configured store ({@link StoreFactory}), wires everything, listens (the API and the
   * edge); blocks until the server is up.
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, InstantSource clock,
      PasswordHasher passwords) {
    return start(config, streamingConfig, Roles.ALL, clock, passwords);
  }

  /**
   * Opens the configured store ({@link StoreFactory}), wires everything, listens for the given roles:
   * {@code --port} for the API and origin routes, {@code --edge-port} for the edge; blocks until the
   * server is up.
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, Roles roles,
      InstantSource clock, PasswordHasher passwords) {
    roles.requireOriginSecret(streamingConfig.cdn()); // before the store is opened (or created)
    return start(config, streamingConfig, roles, clock, passwords, StoreFactory.open(config.store()));
  }

  /**
   * {@link #start(ServerConfig, StreamingConfig, Roles, InstantSource, PasswordHasher)} on stores opened
   * by the caller (tests that need a handle on the backend); the server closes them when it closes, or
   * when it fails to start.
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, Roles roles,
      InstantSource clock, PasswordHasher passwords, Stores stores) {
    return start(config, streamingConfig, roles, clock, passwords, stores, ChangeFeed.NONE);
  }

  /**
   * {@link #start(ServerConfig, StreamingConfig, Roles, InstantSource, PasswordHasher, Stores)} with a
   * change feed to the other instances on the same store (Redis): revocations, key rotations and new
   * streams reach them within milliseconds, and theirs reach this one. The server closes the feed with
   * the stores.
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, Roles roles,
      InstantSource clock, PasswordHasher passwords, Stores stores, ChangeFeed feed) {
    return start(config, streamingConfig, roles, clock, passwords, stores, SharedState.feed(feed), AuditLog.NONE);
  }

  /**
   * {@link #start(ServerConfig, StreamingConfig, Roles, InstantSource, PasswordHasher, Stores, ChangeFeed)}
   * recording security decisions in {@code audit} as well (tests capture them).
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, Roles roles,
      InstantSource clock, PasswordHasher passwords, Stores stores, ChangeFeed feed, AuditLog audit) {
    return start(config, streamingConfig, roles, clock, passwords, stores, SharedState.feed(feed), audit);
  }

  /**
   * The whole start: on {@code stores}, sharing with the other instances what {@code shared} holds
   * (the rest is kept in this process).
   *
   * @param audit also hears every audit event ({@link AuditLog#NONE}: only the configured trail)
   */
  public static KeycardServer start(ServerConfig config, StreamingConfig streamingConfig, Roles roles,
      InstantSource clock, PasswordHasher passwords, Stores stores, SharedState shared, AuditLog audit) {
    Vertx vertx = null;
    Telemetry telemetry = null;
    CredentialProtection credentials = null;
    ChangeFeed feed = shared.feed();
    PlaybackActivity playbackActivity = shared.playbackActivity() != null ? shared.playbackActivity()
        : new InMemoryPlaybackActivity(config.abuse().streamLimits().rule(), clock);
    SharedBudgets budgets = shared.budgets();
    AttemptCounters attempts = shared.attempts() != null ? shared.attempts()
        : new InMemoryAttemptCounters(clock, config.abuse().logins().maxTrackedKeys());
    try {
      roles.requireOriginSecret(streamingConfig.cdn());
      SecureRandom random = new SecureRandom();
      Secrets secrets = new Secrets(random);
      var opaqueStore = stores.opaqueTokens();

      DenylistReplica replica = new DenylistReplica(stores.revocations(), clock);
      int revoked = replica.catchUp();
      // The edge refuses a revoked playback session's URLs until the last of them has expired.
      // With a feed, each revocation is announced to the other instances as soon as it is saved.
      // Streams of the revocation feed read at once on a revocation, this instance's or another's.
      RevocationFeed revocationFeed = new RevocationFeed(stores.revocations(), clock);
      Denylist announcing = RevocationFeedSignal.waking(ChangeFollower.announcing(replica, feed, clock), revocationFeed);
      PlaybackDenylist denylist = new PlaybackDenylist(announcing, clock, streamingConfig.playlistUrlTtl()
          .plus(streamingConfig.playbackSessionTtl()).plus(PlaybackRules.maxSegmentUrlLife()));
      NativeCrypto.Selection crypto = config.crypto() == CryptoChoice.JDK ? NativeCrypto.jdk() : NativeCrypto.select();
      KeyRotation rotation = new KeyRotation(stores.signingKeys(), new KeyGenerator(random), clock, config.keyRetention(),
          crypto.providers());
      ReloadingKeySource keys = new ReloadingKeySource(rotation, config.algorithm(), config.hs256Secret(), clock);

      // One expiry/not-before/revocation rule for the verifier, the cache in front of it and revocation.
      TokenValidity validity = new TokenValidity(clock, config.clockSkew(), denylist);
      AccessTokenIssuer issuer;
      AccessTokenVerifier verifier;
      if (config.tokenFormat() == TokenFormat.JWT) {
        issuer = JwtAccessTokenIssuer.builder().issuer(config.issuer()).audience(config.audience())
            .lifetime(config.accessTokenTtl()).keys(keys).clock(clock).secrets(secrets).build();
        verifier = JwtAccessTokenVerifier.builder().issuer(config.issuer()).audience(config.audience())
            .keys(keys).validity(validity).maxTokenLength(config.maxTokenSize()).build();
      } else {
        issuer = new OpaqueAccessTokenIssuer(opaqueStore, secrets, config.issuer(), config.audience(),
            config.accessTokenTtl(), clock);
        verifier = new OpaqueAccessTokenVerifier(opaqueStore, validity, config.audience());
      }
      // Remembers verified tokens by their whole Authorization value: a client repeating its token
      // skips parsing and the signature (or, for opaque tokens, the database) until it expires.
      VerifiedTokenCache cache = new VerifiedTokenCache(validity, VERIFIED_TOKEN_CACHE);

      AuthorizationServer auth = AuthorizationServer.builder()
          .users(stores.users())
          .clients(stores.clients())
          .passwords(passwords)
          .issuer(issuer)
          .verifier(verifier)
          .refreshTokens(new RefreshTokenRotation(stores.refreshTokens(), secrets, clock, config.refreshIdleTtl(),
              config.refreshAbsoluteTtl(), config.refreshGrace()))
          .denylist(denylist)
          .clock(clock)
          .accessTokenLifetime(config.accessTokenTtl())
          .validity(validity)
          .build();
      telemetry = Telemetry.open(config);
      // A caller's audit log (tests capture events) hears everything the configured trail does.
      Monitoring configured = telemetry.monitoring();
      Monitoring monitoring = audit == AuditLog.NONE ? configured : new Monitoring(configured.meters(), event -> {
        configured.audit().record(event);
        audit.record(event);
      });
      ClientAddresses clientAddresses = new ClientAddresses(config.abuse().trustedProxies());
      // Native transport (epoll) when its library is present: the edge writes large segments.
      vertx = telemetry.vertx(new VertxOptions().setPreferNativeTransport(true));
      Geolocation geolocation = geolocation(config.abuse().anomalies());
      AnomalyWatch anomalies = anomalyWatch(config, clock, monitoring, auth, vertx, geolocation);
      // What this instance sees of each session's use, for the admin API; forgotten once the session
      // could no longer be refreshed.
      SessionActivity activity = new SessionActivity(clock, config.refreshIdleTtl(), MAX_SESSIONS_SEEN);
      Administration admin = new Administration(stores.users(), stores.clients(), stores.refreshTokens(),
          auth::revokeSession, activity, geolocation, monitoring.audit(), clock);
      credentials = CredentialProtections.on(attempts, config.abuse().logins(), monitoring, clock);
      UrlSigningKeys urlKeys = PlaybackKeys.loadOrCreate(stores.urlKeys(), random, clock);
      // With nginx or CloudFront in front, keycard's edge still serves (and signs) its own schemes.
      PlaybackUrls playbackUrls = new PlaybackUrls(urlKeys,
          streamingConfig.urlScheme().servedByEdge() ? streamingConfig.urlScheme() : UrlScheme.KEYCARD, clock);
      Services services = new Services(config, auth, new BearerAuthenticator(verifier, cache),
          config.tokenFormat() == TokenFormat.OPAQUE, keys, new Readiness(replica, stores.revocations(), feed, clock,
              config.denylistCatchUp().multipliedBy(READY_WITHIN_CATCH_UPS)), monitoring, clientAddresses, admin,
          anomalies, credentials,
          RateLimitGate.limiter(config.abuse().rateLimits(), budgets, clock, monitoring),
          config.cookieSessions() ? new CsrfTokens(playbackUrls::keys) : null,
          new OperatorHistory(monitoring.meters(), activity, clock), revocationFeed);
      if (config.cookieSessions() && config.tls() == null && !ServerConfig.isLoopback(config.host())) {
        log.warn("cookie sessions over plain HTTP on {}: only safe because --trusted-proxies {} terminate TLS in"
            + " front of keycard; a browser reaching this port directly would send its session cookies in the clear",
            config.host(), config.abuse().trustedProxies());
      }

      StreamRegistry registry = new StreamRegistry(ChangeFollower.announcing(stores.streams(), feed), clock);
      registry.reload();
      LocalOrigin origin = new LocalOrigin(registry, streamingConfig.demoStream() ? DemoStream.load(clock) : null, clock);
      Gauge.builder("keycard.streams.live", origin, LocalOrigin::liveStreams)
          .description("Streams live at this origin (their playlists keep being updated)").register(monitoring.meters());
      PlaybackRules playback = new PlaybackRules(playbackUrls, denylist, streamingConfig.playbackSessionTtl(),
          streamingConfig.bindPlaybackToClient(), clock, anomalies::playbackUsed, playbackActivity);
      // An edge without the origin role pulls from the origin's process, presenting the origin secret.
      Origin edgeOrigin = roles.remoteOrigin()
          ? new HttpOrigin(vertx, roles.originUrl(), streamingConfig.cdn().originSecret(), roles.originTimeout())
          : origin;
      Edge edge = roles.edge() ? new Edge(edgeOrigin, playback, streamingConfig.edgeCacheBytes(), clock, clientAddresses,
          monitoring) : null;
      // Up to two listeners, the API (and origin) and the edge, each with its own connection count.
      int cap = ListenerGuard.connectionCap(config.limits().maxConnections(),
          (roles.apiListener() ? 1 : 0) + (roles.edge() ? 1 : 0));
      // One certificate for both listeners, read again every few seconds (certificate renewal).
      ListenerTls tls = config.tls() == null ? null : ListenerTls.of(vertx, config.tls());
      ListenerGuard edgeGuard = new ListenerGuard("edge", config.limits(), cap, tls);
      ListenerGuard apiGuard = new ListenerGuard("API", config.limits(), cap, tls);
      if (tls != null) {
        Vertx reloading = vertx;
        vertx.setPeriodic(TLS_RELOAD_PERIOD_MS,
            id -> reloading.executeBlocking(() -> tls.reloadIfChanged().await(), false));
      }
      for (ListenerGuard g : new ListenerGuard[] {edgeGuard, apiGuard}) {
        Gauge.builder("keycard.connections.open", g, ListenerGuard::openConnections)
            .description("Connections open at the listener (all its event loops)")
            .tag("listener", g == edgeGuard ? "edge" : "api").register(monitoring.meters());
      }
      int edgePort = edge == null ? 0 : listenEdge(vertx, config.host(), streamingConfig.edgePort(), edge, edgeGuard);
      // Without an edge here, stream-start's URLs point at the edges' address (--edge-base-url, else --edge-port).
      String edgeBaseUrl = streamingConfig.edgeBaseUrl(tls != null, edge == null ? streamingConfig.edgePort() : edgePort);
      // Over the limit, evict-oldest revokes the oldest session: every edge refuses its URLs from then on.
      StreamLimiter limiter = new StreamLimiter(config.abuse().streamLimits(), playbackActivity, auth::revokeSession,
          monitoring, clock);
      StreamStart start = new StreamStart(registry, EntrySigners.forScheme(streamingConfig, playbackUrls,
          edgeBaseUrl, clock), random, limiter);
      Streaming streaming = new Streaming(origin, start,
          new StreamKeys(stores.streamKeys(), random, clock),
          new IngestActivity(registry, clock, monitoring.meters()), new OriginPull(origin, streamingConfig.cdn().originSecret()),
          edgeBaseUrl);

      int port = roles.apiListener() ? listen(vertx, services, streaming, roles, apiGuard) : 0;
      Vertx v = vertx;
      // A URL key another instance (or a CLI command) stored verifies here too.
      Map<Change.Reload, Runnable> reloads = Map.of(
          Change.Reload.SIGNING_KEYS, keys::reload,
          Change.Reload.URL_KEYS, () -> playbackUrls.useKeys(PlaybackKeys.load(stores.urlKeys())),
          Change.Reload.STREAMS, registry::reload);
      Runnable maintenance = () -> {
        Instant now = clock.instant();
        reloads.values().forEach(Runnable::run);
        playbackActivity.prune();
        services.rateLimiter().prune();
        if (services.anomalies() != null) {
          services.anomalies().prune();
        }
        if (services.admin() != null) {
          services.admin().activity().prune();
        }
        services.operatorHistory().sample();
        int purged = stores.purgeExpired(now, config.clockSkew());
        if (purged > 0) {
          log.debug("purged {} expired rows", purged);
        }
      };
      vertx.setPeriodic(MAINTENANCE_PERIOD_MS, id -> v.executeBlocking(() -> {
        maintenance.run();
        return null;
      }, false).onFailure(e -> log.warn("maintenance failed: {}", e.toString())));
      DenylistCatchUp catchUp = DenylistCatchUp.start(vertx, replica, config.denylistCatchUp());
      feed.subscribe(RevocationFeedSignal.waking(new ChangeFollower(vertx, replica, catchUp, reloads, clock,
          monitoring.meters()), revocationFeed));
      int managementPort = telemetry.listen(vertx, services.readiness());
      if (roles.apiListener()) {
        log.info("keycard {} listening on {}://{}:{} (issuer {}, {} tokens, {} revocations loaded, change feed {})",
            roles.api() && roles.origin() ? "API and origin" : roles.api() ? "API" : "origin",
            tls == null ? "http" : "https", config.host(), port,
            config.issuer(), config.tokenFormat(), revoked, feed);
      }
      log.info("token signatures: {}", crypto.describe());
      if (tls != null) {
        log.info("TLS from {} and {}: HTTP/2 and HTTP/1.1 by ALPN on every listener but management; the files are"
            + " checked for a renewed certificate every {} s", config.tls().certificate(), config.tls().key(),
            TLS_RELOAD_PERIOD_MS / 1000);
      }
      if (roles.origin() && !roles.edge() && !streamingConfig.cdn().originPullEnabled()) {
        log.warn("no origin secret (KEYCARD_ORIGIN_SECRET or --origin-secret-file): edges and CDNs cannot pull"
            + " from this origin (/origin/ answers 404)");
      }
      if (edge != null) {
        log.info("keycard edge listening on {}://{}:{} (playlist URLs for {}, origin {}, demo stream {})",
            tls == null ? "http" : "https", config.host(), edgePort, edgeBaseUrl,
            edgeOrigin instanceof HttpOrigin remote ? remote.baseUrl() : "in this process",
            streamingConfig.demoStream() ? "on" : "off");
      }
      if (config.abuse().streamLimits().enabled()) {
        var limits = config.abuse().streamLimits();
        log.info("concurrent-stream limit: {} per account ({} beyond it; a session counts until idle for {}), counted {}",
            limits.maxConcurrentStreams(), limits.policy().optionValue(), Durations.format(limits.idleWindow()),
            shared.playbackActivity() == null ? "in this process" : "across instances (" + shared.playbackActivity() + ")");
      }
      if (!streamingConfig.urlScheme().servedByEdge()) {
        log.info("stream-start hands out {} URLs for {} (playback sessions of {})", streamingConfig.urlScheme().optionValue(),
            streamingConfig.cdn().mediaBaseUrl(), Durations.format(streamingConfig.playbackSessionTtl()));
      }
      return new KeycardServer(stores, replica, vertx, services, port, maintenance, streaming, edge, edgePort,
          edgeBaseUrl, feed, telemetry, managementPort, playbackActivity, budgets);
    } catch (RuntimeException e) {
      feed.close();
      if (budgets != null) {
        budgets.close();
      }
      playbackActivity.close();
      if (credentials != null) {
        credentials.close();
      } else {
        attempts.close();
      }
      if (vertx != null) {
        vertx.close().await();
      }
      if (telemetry != null) {
        telemetry.close();
      }
      stores.close();
      throw e;
    }
  }

  /**
   * Deploys the HTTP verticles on one port. Vert.x shares a port among instances only when they name
   * it, and each instance given port 0 would get a different one; so for port 0 (tests) a free port is
   * picked first, and picked again if another process takes it in between.
   */
  /**
   * Deploys the edge listeners; for port 0 (tests) a single one, since instances given port 0 would
   * each get their own port.
   */
  private static int listenEdge(Vertx vertx, String host, int port, Edge edge, ListenerGuard guard) {
    AtomicInteger bound = new AtomicInteger();
    int instances = port == 0 ? 1 : HTTP_INSTANCES;
    try {
      vertx.deployVerticle(() -> new EdgeVerticle(edge, host, port, bound, guard), new DeploymentOptions().setInstances(instances))
          .await();
    } catch (Exception e) { // await() rethrows a BindException as is, though it is checked
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (--edge-port): " + e.getMessage(), e);
    }
    return bound.get();
  }

  private static int listen(Vertx vertx, Services services, Streaming streaming, Roles roles, ListenerGuard guard) {
    ServerConfig config = services.config();
    int attempts = config.port() == 0 ? 5 : 1;
    for (int attempt = 1; ; attempt++) {
      int port = config.port() == 0 ? freePort(config.host()) : config.port();
      try {
        vertx.deployVerticle(() -> new HttpVerticle(services, streaming, port, guard, roles), new DeploymentOptions().setInstances(HTTP_INSTANCES))
            .await();
        return port;
      } catch (Exception e) { // await() rethrows a BindException as is, though it is checked
        if (attempt >= attempts) {
          throw new IllegalStateException("cannot listen on " + config.host() + ":" + port + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Anomaly detection: GeoIP2 when a database is configured (said once, either way), and revocation
   * for the kinds whose policy is {@code revoke} on a worker, since it writes to the store.
   */
  /** The GeoIP database of {@code --geoip-database}, shared by anomaly detection and the admin API's session list. */
  private static Geolocation geolocation(AnomalyDetection settings) {
    if (settings.geoipDatabase() == null) {
      log.info("no --geoip-database: anomaly detection runs without geographic checks (new country, impossible travel)");
      return Geolocation.NONE;
    }
    MaxMindGeolocation maxMind = MaxMindGeolocation.open(settings.geoipDatabase());
    log.info("anomaly detection locates clients with {} ({})", settings.geoipDatabase(), maxMind.description());
    return maxMind;
  }

  private static AnomalyWatch anomalyWatch(ServerConfig config, InstantSource clock, Monitoring monitoring,
      AuthorizationServer auth, Vertx vertx, Geolocation geolocation) {
    AnomalyDetection settings = config.abuse().anomalies();
    return new AnomalyWatch(settings.detector(clock, geolocation), settings, monitoring,
        sid -> vertx.executeBlocking(() -> {
          auth.revokeSession(sid);
          return null;
        }, false).onFailure(e -> log.warn("revoking a session after an anomaly failed: {}", e.getClass().getSimpleName())));
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }

  /**
   * The periodic job, run now on the calling thread (blocking): reload the key ring and the URL-signing
   * keys from the store and purge expired rows. Tests call it instead of waiting for the timer.
   */
  public void runMaintenance() {
    maintenance.run();
  }

  /** The API and origin listener's port; 0 when this process runs neither. */
  public int port() {
    return port;
  }

  /** The management listener's port ({@code GET /metrics}); 0 when it runs none ({@code --management-port off}). */
  public int managementPort() {
    return managementPort;
  }

  /** The audit trail's file, or {@code null} when it goes to standard output or nowhere. */
  public java.nio.file.Path auditLogFile() {
    return telemetry.auditFile();
  }

  /** The edge's port; 0 when this process runs no edge. */
  public int edgePort() {
    return edgePort;
  }

  /** The base URL of the edge that stream-start's playlist URLs point to. */
  public String edgeBaseUrl() {
    return edgeBaseUrl;
  }

  public Streaming streaming() {
    return streaming;
  }

  /** The edge, or {@code null} when this process runs none. */
  public Edge edge() {
    return edge;
  }

  public Services services() {
    return services;
  }

  /** The stores this server runs on; closing them makes every request that needs one a 503. */
  public Stores stores() {
    return stores;
  }

  /** The in-process denylist and how far it has caught up with the store. */
  public DenylistReplica denylist() {
    return denylist;
  }

  /** Whether the change feed to the other instances is up ({@code false} without one). */
  public boolean feedConnected() {
    return feed.connected();
  }

  /** Stops listening, then closes the change feed and the stores. */
  @Override
  public void close() {
    try {
      feed.close();
      playbackActivity.close();
      vertx.close().await();
    } finally {
      if (budgets != null) {
        budgets.close();
      }
      services.credentials().close();
      try {
        stores.close();
      } finally {
        telemetry.close(); // last: what the server audited while stopping is written too
      }
    }
  }
}
