package dev.keycard.resourceserver;

import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.bearer.BearerCredentials;
import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.opaque.OpaqueAccessTokenIssuer;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import dev.keycard.core.token.VerifiedTokenCache;
import dev.keycard.resourceserver.discovery.IssuerMetadata;
import dev.keycard.resourceserver.feed.RevocationFollower;
import dev.keycard.resourceserver.http.ClientCredentials;
import dev.keycard.resourceserver.http.IssuerHttp;
import dev.keycard.resourceserver.introspection.Introspector;
import dev.keycard.resourceserver.keys.RemoteKeySet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * keycard's bearer-token check for another JVM service: the same checklist, the same reasons and the
 * same RFC 6750 answers as keycard itself (it runs keycard-core's verifier and verified-token cache),
 * with keycard's published keys and its revocations held in this process. A request costs no call
 * to keycard, except an opaque token's first introspection and a token naming a key not yet known.
 *
 * <pre>{@code
 * KeycardResourceServer keycard = KeycardResourceServer.builder()
 *     .issuer("https://auth.example.com").audience("orders-api")
 *     .clientCredentials("orders-api", System.getenv("KEYCARD_CLIENT_SECRET"))
 *     .build();
 * Access access = keycard.authenticate(request.getHeader("Authorization"), "orders:read")
 *     .toCompletableFuture().join();
 * }</pre>
 *
 * <p>{@link #authenticate} answers from memory in almost every case: its stage is then already
 * complete and nothing blocks. It waits (on the JDK HTTP client, never on the caller's thread) only
 * for an introspection or a key-set fetch. Thread-safe; build one per service and {@link #close} it at
 * shutdown.
 */
public final class KeycardResourceServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KeycardResourceServer.class.getName());
  private static final Access MISSING = new Access.Refused(BearerError.missing(), null);
  private static final Access FEED_STALE = new Access.Unavailable(
      "The revocation list is not current", Duration.ofSeconds(5));

  private final RemoteKeySet keys;
  private final JwtAccessTokenVerifier jwt;
  private final VerifiedTokenCache cache;
  private final InMemoryDenylist denylist;
  private final Introspector introspector;
  private final RevocationFollower feed;
  private final FeedOutagePolicy outagePolicy;
  private final ScheduledExecutorService scheduler;

  private KeycardResourceServer(Builder b, ScheduledExecutorService scheduler) throws IOException {
    this.scheduler = scheduler;
    this.outagePolicy = b.outagePolicy;
    IssuerHttp http = new IssuerHttp(b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NEVER).build(), b.timeout);
    IssuerMetadata metadata = IssuerMetadata.discover(http, b.issuer, b.location != null ? b.location : URI.create(b.issuer));
    this.denylist = new InMemoryDenylist(b.clock);
    TokenValidity validity = new TokenValidity(b.clock, b.clockSkew, denylist);
    this.keys = new RemoteKeySet(http, metadata.jwksUri(), b.keyRefetchInterval, b.clock, scheduler);
    keys.load();
    this.jwt = JwtAccessTokenVerifier.builder().issuer(b.issuer).audience(b.audience).keys(keys).validity(validity).build();
    this.cache = new VerifiedTokenCache(validity, b.maxCachedTokens);
    ClientCredentials credentials = b.clientId == null ? null
        : new ClientCredentials(http, metadata.tokenEndpoint(), b.clientId, b.clientSecret, b.clock);
    this.introspector = credentials == null ? null : new Introspector(http, metadata.introspectionEndpoint(), credentials,
        b.issuer, b.audience, validity, b.introspectionCacheMax, b.maxCachedTokens);
    if (credentials != null && b.followRevocations) {
      this.feed = new RevocationFollower(http, metadata.revocations(), metadata.revocationEvents(), credentials, denylist,
          b.feedStaleAfter, b.clock);
      feed.catchUp();
      feed.start();
      scheduler.scheduleWithFixedDelay(feed::tend, 1, 1, TimeUnit.SECONDS);
    } else {
      this.feed = null;
      LOG.log(System.Logger.Level.WARNING, "keycard's revocation feed is not followed (no client credentials): "
          + "revoked tokens are accepted here until they expire");
    }
    scheduleKeyRefresh();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The verdict on a request.
   *
   * @param authorizationValues every {@code Authorization} header value of the request (none, one, or
   *                            several, which is refused as RFC 6750 says)
   * @param requiredScope       a scope the token must hold, or {@code null} for any valid token
   */
  public CompletionStage<Access> authenticate(List<String> authorizationValues, String requiredScope) {
    if (feed != null && outagePolicy == FeedOutagePolicy.FAIL_CLOSED && !feed.current()) {
      return CompletableFuture.completedFuture(FEED_STALE);
    }
    if (authorizationValues != null && authorizationValues.size() == 1) {
      // Only ever a string that parsed and verified before, so the syntax check can be skipped too.
      Verification hit = cache.lookup(authorizationValues.get(0));
      if (hit != null) {
        return CompletableFuture.completedFuture(Access.of(BearerAuthenticator.decide(hit, requiredScope)));
      }
    }
    return switch (BearerCredentials.parse(authorizationValues)) {
      case BearerCredentials.Absent a -> CompletableFuture.completedFuture(MISSING);
      case BearerCredentials.Malformed m ->
          CompletableFuture.completedFuture(new Access.Refused(BearerError.invalidRequest(m.description()), null));
      case BearerCredentials.Present p -> verify(p.token(), authorizationValues.get(0), requiredScope);
    };
  }

  /** The verdict on a request with one {@code Authorization} header value, or {@code null} for none. */
  public CompletionStage<Access> authenticate(String authorization, String requiredScope) {
    return authenticate(authorization == null ? List.of() : List.of(authorization), requiredScope);
  }

  /** The verdict on a bare token already taken from its request (as Spring Security hands it over). */
  public CompletionStage<Access> check(String token, String requiredScope) {
    if (feed != null && outagePolicy == FeedOutagePolicy.FAIL_CLOSED && !feed.current()) {
      return CompletableFuture.completedFuture(FEED_STALE);
    }
    if (token == null || token.isEmpty()) {
      return CompletableFuture.completedFuture(MISSING);
    }
    Verification hit = cache.lookup(token);
    if (hit != null) {
      return CompletableFuture.completedFuture(Access.of(BearerAuthenticator.decide(hit, requiredScope)));
    }
    return verify(token, token, requiredScope);
  }

  public Health health() {
    return new Health(keys.current().kids().size(), keys.fetchedAt(), keys.fetches(), feed != null,
        feed == null || feed.current(), feed == null ? null : feed.lastContact(), feed == null ? 0 : feed.lastSequence(),
        denylist.size());
  }

  @Override
  public void close() {
    if (feed != null) {
      feed.close();
    }
    scheduler.shutdownNow();
  }

  /**
   * keycard's opaque tokens carry their prefix and go to introspection (when the service has client
   * credentials); everything else is judged as a JWT, so garbage gets the JWT checklist's reasons,
   * exactly as keycard gives them, and never costs a call.
   */
  private CompletionStage<Access> verify(String token, String cacheKey, String requiredScope) {
    if (token.startsWith(OpaqueAccessTokenIssuer.PREFIX)) {
      if (introspector == null) {
        return CompletableFuture.completedFuture(decide(Rejection.UNKNOWN_TOKEN.asVerification(), requiredScope));
      }
      return introspector.introspect(token).handle((v, failure) -> failure != null
          ? Access.UNAVAILABLE : decide(v, requiredScope));
    }
    Verification v = jwt.verify(token);
    if (v == Rejection.UNKNOWN_KEY.asVerification() && keys.mayRefetch()) {
      // A key published after the last fetch (a rotation): one fetch, shared, at most once per interval.
      return keys.refetch().thenApply(done -> remember(jwt.verify(token), cacheKey, requiredScope));
    }
    return CompletableFuture.completedFuture(remember(v, cacheKey, requiredScope));
  }

  private Access remember(Verification v, String cacheKey, String requiredScope) {
    if (v instanceof Verification.Verified ok) {
      cache.remember(cacheKey, ok);
    }
    return decide(v, requiredScope);
  }

  private static Access decide(Verification v, String requiredScope) {
    return Access.of(BearerAuthenticator.decide(v, requiredScope));
  }

  private void scheduleKeyRefresh() {
    if (scheduler.isShutdown()) {
      return;
    }
    scheduler.schedule(() -> {
      keys.refreshQuietly();
      scheduleKeyRefresh();
    }, keys.refreshDelay().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Configures and builds a {@link KeycardResourceServer}; {@link #build()} contacts keycard. */
  public static final class Builder {
    private String issuer;
    private String audience;
    private URI location;
    private String clientId;
    private String clientSecret;
    private boolean followRevocations = true;
    private Duration feedStaleAfter = Duration.ofSeconds(45);
    private FeedOutagePolicy outagePolicy = FeedOutagePolicy.KEEP_SERVING;
    private Duration keyRefetchInterval = Duration.ofSeconds(30);
    private Duration clockSkew = Duration.ofSeconds(30);
    private Duration introspectionCacheMax = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(5);
    private int maxCachedTokens = 10_000;
    private HttpClient httpClient;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /** keycard's issuer identifier, exactly as its tokens' {@code iss} carry it; its metadata is read from there. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** This service's identifier, which a token's {@code aud} must contain. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /** Where this service reaches keycard, when that is not the issuer URL (an address inside a cluster). */
    public Builder location(URI location) {
      this.location = location;
      return this;
    }

    /**
     * The service's own confidential client at keycard, needed to follow the revocation feed (its
     * client must be allowed the scope {@code keycard:revocations}) and to introspect opaque tokens.
     * Read the secret from the environment or a file, never from code.
     */
    public Builder clientCredentials(String clientId, String clientSecret) {
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /** Whether to follow the revocation feed (default: yes, when client credentials are given). */
    public Builder followRevocations(boolean follow) {
      this.followRevocations = follow;
      return this;
    }

    /** How long the feed may be silent before the library calls itself out of date (default 45 s; keycard sends a heartbeat every 15 s). */
    public Builder feedStaleAfter(Duration bound) {
      this.feedStaleAfter = bound;
      return this;
    }

    /** What to do while the feed is out of date (default {@link FeedOutagePolicy#KEEP_SERVING}). */
    public Builder whenFeedStale(FeedOutagePolicy policy) {
      this.outagePolicy = policy;
      return this;
    }

    /** The least time between two key-set fetches caused by tokens naming unknown keys (default 30 s). */
    public Builder keyRefetchInterval(Duration interval) {
      this.keyRefetchInterval = interval;
      return this;
    }

    /** Clock skew allowed on {@code exp} and {@code nbf} (default 30 s, at most 5 minutes). */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = skew;
      return this;
    }

    /** The longest an introspection answer is reused (default 10 s; never past the token's expiry). */
    public Builder introspectionCacheMax(Duration max) {
      this.introspectionCacheMax = max;
      return this;
    }

    /** The timeout of every call to keycard (default 5 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** How many verified tokens (and introspection answers) are remembered (default 10,000). */
    public Builder maxCachedTokens(int max) {
      this.maxCachedTokens = max;
      return this;
    }

    /** The HTTP client to use (TLS settings, a proxy); by default one of the JDK's with the timeout and no redirects. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Blocking: reads keycard's metadata and key set, and catches up with its revocations.
     *
     * @throws IllegalArgumentException when the configuration is incomplete
     * @throws UncheckedIOException     when keycard cannot be reached, or refuses the client credentials
     * @throws IllegalStateException    when the metadata names another issuer
     */
    public KeycardResourceServer build() {
      if (issuer == null || issuer.isBlank()) {
        throw new IllegalArgumentException("issuer is required");
      }
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience is required");
      }
      if ((clientId == null) != (clientSecret == null) || clientSecret != null && clientSecret.isEmpty()) {
        throw new IllegalArgumentException("client credentials need both an id and a non-empty secret");
      }
      Objects.requireNonNull(clock, "clock");
      if (keyRefetchInterval.isNegative() || feedStaleAfter.compareTo(Duration.ofSeconds(1)) < 0
          || introspectionCacheMax.isNegative() || maxCachedTokens < 1 || timeout.compareTo(Duration.ZERO) <= 0) {
        throw new IllegalArgumentException("durations must not be negative, the feed bound at least 1 s, the cache positive");
      }
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("keycard-resource-server").factory());
      try {
        return new KeycardResourceServer(this, scheduler);
      } catch (IOException e) {
        scheduler.shutdownNow();
        throw new UncheckedIOException("keycard at " + (location != null ? location : issuer) + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        scheduler.shutdownNow();
        throw e;
      }
    }
  }
}
