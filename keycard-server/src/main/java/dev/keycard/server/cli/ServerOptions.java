package dev.keycard.server.cli;

import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.store.Stores;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.SharedState;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.store.StoreFactory;
import dev.keycard.server.config.Durations;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.Roles;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.server.config.AbuseControls;
import dev.keycard.server.config.CryptoChoice;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.SelfSignedCertificate;
import dev.keycard.server.config.TlsFiles;
import dev.keycard.server.config.TrustedProxies;
import dev.keycard.server.config.TokenFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code serve} and {@code demo}. */
final class ServerOptions {
  @Mixin
  CommonOptions common;

  @Mixin
  RedisOptions redis;

  @Option(names = "--port", defaultValue = "8080", description = "TCP port. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--issuer", paramLabel = "URL",
      description = "The iss of every token and the RFC 8414 issuer: the URL clients reach keycard at. "
          + "Default: http://HOST:PORT (127.0.0.1 for a wildcard --host)")
  String issuer;

  @Option(names = "--audience", defaultValue = "keycard-api", description = "The aud of access tokens. Default: ${DEFAULT-VALUE}")
  String audience;

  @Option(names = "--access-token-ttl", paramLabel = "DURATION", defaultValue = "15m",
      description = "Access-token lifetime (e.g. 15m, 1h). Default: ${DEFAULT-VALUE}")
  String accessTokenTtl;

  @Option(names = "--token-format", paramLabel = "jwt|opaque", defaultValue = "jwt",
      description = "Access tokens as JWTs (RFC 9068) or opaque handles. Default: ${DEFAULT-VALUE}")
  String tokenFormat;

  @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "RS256",
      description = "JWT signing algorithm: RS256, ES256, EdDSA or HS256. Default: ${DEFAULT-VALUE}")
  String algorithm;

  @Option(names = "--hs256-secret-file", paramLabel = "FILE",
      description = "HS256 only: a file holding the shared secret (at least 32 bytes). "
          + "Alternatively the environment variable KEYCARD_HS256_SECRET.")
  Path hs256SecretFile;

  @Option(names = "--clock-skew", paramLabel = "DURATION", defaultValue = "30s",
      description = "Tolerance for exp/nbf checks. Default: ${DEFAULT-VALUE}")
  String clockSkew;

  @Option(names = "--refresh-idle-ttl", paramLabel = "DURATION", defaultValue = "14d",
      description = "A refresh token unused this long expires. Default: ${DEFAULT-VALUE}")
  String refreshIdleTtl;

  @Option(names = "--refresh-absolute-ttl", paramLabel = "DURATION", defaultValue = "30d",
      description = "No refresh token of a login outlives this. Default: ${DEFAULT-VALUE}")
  String refreshAbsoluteTtl;

  @Option(names = "--refresh-grace", paramLabel = "DURATION", defaultValue = "10s",
      description = "How long a just-rotated refresh token may be retried, getting the same successor, before "
          + "a retry counts as reuse (0s to 60s; 0s: any second use revokes the session). Default: ${DEFAULT-VALUE}")
  String refreshGrace;

  @Option(names = "--max-token-size", paramLabel = "BYTES", defaultValue = "8192",
      description = "Longer bearer tokens are refused unparsed. Default: ${DEFAULT-VALUE}")
  int maxTokenSize;

  @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Each listener: a request's headers must arrive within this, else 408 and close. "
          + "Default: ${DEFAULT-VALUE}")
  String headerTimeout;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "A request body that stops arriving this long gets 408 and close; an answer not ready this "
          + "long after the body gets 503. Default: ${DEFAULT-VALUE}")
  String requestTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "Each listener closes connections idle this long (at least twice --request-timeout). "
          + "Default: ${DEFAULT-VALUE}")
  String idleTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "8192",
      description = "Open connections per listener (API, edge); more get 503 and are closed. Default: ${DEFAULT-VALUE}")
  int maxConnections;

  @Option(names = "--denylist-catch-up", paramLabel = "DURATION", defaultValue = "1s",
      description = "How often to read the revocations (logouts, revoked sessions) other instances on the same "
          + "database made, 100ms to 1m; until then this instance still accepts their tokens. Default: ${DEFAULT-VALUE}")
  String denylistCatchUp;

  @Option(names = "--trusted-proxies", paramLabel = "CIDR[,CIDR...]",
      description = "The reverse proxies and load balancers in front of keycard (addresses or CIDR ranges). Only "
          + "their Forwarded / X-Forwarded-For headers are believed about the client's address; from anyone else the "
          + "socket's address is used. Default: none")
  String trustedProxies;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve the API and the edge over TLS (HTTP/2 and HTTP/1.1) with this PEM certificate chain; "
          + "needs --tls-key. Both files are read again when they change. Default: plain HTTP")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC 1).")
  Path tlsKey;

  @Option(names = "--tls-self-signed",
      description = "Serve TLS with a certificate of keycard's own for localhost, 127.0.0.1 and ::1, made in "
          + "DATA-DIR/tls on first use (for trying TLS and HTTP/2 on one machine: nothing trusts it, browsers warn; "
          + "curl --cacert DATA-DIR/tls/self-signed.pem). Not with --tls-cert")
  boolean tlsSelfSigned;

  @Option(names = "--cookie-sessions", negatable = true,
      description = "Let browsers log in with HttpOnly cookies (/auth/session) and use the API with them, CSRF "
          + "protected; serves the web player at /. Needs TLS unless --host is a loopback address (or "
          + "--trusted-proxies terminate TLS). Default: on for demo, off for serve")
  Boolean cookieSessions;

  @Option(names = "--crypto-provider", paramLabel = "native|jdk", defaultValue = "native",
      description = "Who signs and verifies tokens: native (the Amazon Corretto Crypto Provider, AWS-LC, for RS256, "
          + "ES256 and EdDSA where it loads and passes its self-test, the JDK's elsewhere) or jdk (the JDK's "
          + "providers throughout). The choice per algorithm is logged at start. Default: ${DEFAULT-VALUE}")
  String cryptoProvider;

  /**
   * @param cookieSessionsByDefault whether cookie sessions are on when neither {@code --cookie-sessions}
   *                                nor {@code --no-cookie-sessions} is given
   * @throws IllegalArgumentException naming the option that is wrong
   */
  ServerConfig toConfig(Map<String, String> environment, boolean cookieSessionsByDefault) {
    TlsFiles tls = TlsFiles.of(tlsCert, tlsKey);
    if (tlsSelfSigned) {
      if (tls != null) {
        throw new IllegalArgumentException("--tls-self-signed and --tls-cert: give one or the other");
      }
      tls = SelfSignedCertificate.inDataDir(common.dataDir, InstantSource.system());
    }
    return new ServerConfig(
        common.dataDir,
        host,
        port,
        issuer == null || issuer.isBlank() ? localUrl(tls == null ? "http" : "https", host, port) : issuer,
        audience,
        duration("--access-token-ttl", accessTokenTtl),
        format(tokenFormat),
        SigningAlgorithm.parse(algorithm),
        hs256Secret(environment),
        duration("--clock-skew", clockSkew),
        duration("--refresh-idle-ttl", refreshIdleTtl),
        duration("--refresh-absolute-ttl", refreshAbsoluteTtl),
        duration("--refresh-grace", refreshGrace),
        maxTokenSize,
        new ListenerLimits(duration("--header-timeout", headerTimeout), duration("--request-timeout", requestTimeout),
            duration("--idle-timeout", idleTimeout), maxConnections),
        common.store(environment),
        duration("--denylist-catch-up", denylistCatchUp),
        AbuseControls.defaults().withTrustedProxies(TrustedProxies.parse(trustedProxies)),
        tls,
        cookieSessions == null ? cookieSessionsByDefault : cookieSessions,
        CryptoChoice.parse(cryptoProvider));
  }

  /**
   * Starts a server on the configured stores and change feed (Redis with {@code --redis-url}; its
   * reconnection attempts are as frequent as the denylist catch-up).
   */
  KeycardServer start(ServerConfig config, StreamingConfig streaming, Roles roles, InstantSource clock,
      PasswordHasher passwords, Map<String, String> environment) {
    roles.requireOriginSecret(streaming.cdn()); // before the store is opened (or created)
    ChangeFeed feed = redis.openFeed(environment, config.denylistCatchUp());
    PlaybackActivity activity = null;
    AttemptCounters attempts = redis.openAttemptCounters(environment, config.denylistCatchUp(),
        config.abuse().logins().maxTrackedKeys());
    Stores stores;
    SharedBudgets budgets = null;
    try {
      activity = redis.openPlaybackActivity(environment, config.abuse().streamLimits(),
          streaming.playlistUrlTtl().plus(streaming.playbackSessionTtl()), clock, config.denylistCatchUp());
      if (!config.abuse().rateLimits().policies().off()) {
        budgets = redis.openBudgets(environment, config.denylistCatchUp()).orElse(null);
      }
      stores = StoreFactory.open(config.store());
    } catch (RuntimeException e) {
      SharedState.feed(feed).withPlaybackActivity(activity).withAttempts(attempts).withBudgets(budgets).close();
      throw e;
    }
    return KeycardServer.start(config, streaming, roles, clock, passwords, stores,
        SharedState.feed(feed).withPlaybackActivity(activity).withAttempts(attempts).withBudgets(budgets),
        AuditLog.NONE);
  }

  /**
   * {@code http://HOST:PORT} as a client on this machine reaches the server: the default issuer, and
   * the base of the commands {@code keycard demo} prints, so RFC 8414 discovery from that address
   * finds an {@code issuer} equal to it (§3.3). A wildcard host is reached on 127.0.0.1.
   */
  static String localUrl(String host, int port) {
    return localUrl("http", host, port);
  }

  /** {@link #localUrl(String, int)} with the listener's scheme. */
  static String localUrl(String scheme, String host, int port) {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + h + ":" + port;
  }

  private byte[] hs256Secret(Map<String, String> environment) {
    if (hs256SecretFile != null) {
      try {
        // Trailing newlines from `echo > file` are not part of the secret.
        return Files.readString(hs256SecretFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --hs256-secret-file " + hs256SecretFile);
      }
    }
    String fromEnv = environment.get("KEYCARD_HS256_SECRET");
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv.getBytes(StandardCharsets.UTF_8);
  }

  private static TokenFormat format(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "jwt" -> TokenFormat.JWT;
      case "opaque" -> TokenFormat.OPAQUE;
      default -> throw new IllegalArgumentException("--token-format must be jwt or opaque, not '" + value + "'");
    };
  }

  private static java.time.Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
