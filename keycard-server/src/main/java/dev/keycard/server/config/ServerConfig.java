package dev.keycard.server.config;

import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.refresh.RefreshTokenRotation;
import dev.keycard.core.token.TokenValidity;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@code keycard serve} needs, validated when built: a bad value fails the start with a
 * message naming the option, never later at a request.
 *
 * @param hs256Secret the operator's HS256 secret, or {@code null} unless the algorithm is HS256
 * @param limits      timeouts and connection cap of each listener (the API and the edge)
 * @param store       where the state is kept: the embedded database in {@code dataDir}, or PostgreSQL
 * @param denylistCatchUp how often revocations made by other instances on the same store are read
 * @param tls         the certificate and key the API and edge listeners serve TLS with, or {@code null}
 *                    for plain HTTP
 * @param cookieSessions whether browsers may log in with cookies ({@code /auth/session}) and use the
 *                    API with them; only over TLS, on a loopback address (which browsers treat as
 *                    secure), or behind trusted proxies that terminate TLS
 * @param crypto      which providers sign and verify tokens
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    String issuer,
    String audience,
    Duration accessTokenTtl,
    TokenFormat tokenFormat,
    SigningAlgorithm algorithm,
    byte[] hs256Secret,
    Duration clockSkew,
    Duration refreshIdleTtl,
    Duration refreshAbsoluteTtl,
    Duration refreshGrace,
    int maxTokenSize,
    ListenerLimits limits,
    StoreConfig store,
    Duration denylistCatchUp,
    AbuseControls abuse,
    TlsFiles tls,
    boolean cookieSessions,
    CryptoChoice crypto) {

  public static final Duration MAX_REFRESH_GRACE = RefreshTokenRotation.MAX_GRACE;
  public static final Duration MAX_CLOCK_SKEW = TokenValidity.MAX_CLOCK_SKEW;
  public static final Duration MAX_ACCESS_TOKEN_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_DENYLIST_CATCH_UP = Duration.ofSeconds(1);
  private static final Duration MIN_DENYLIST_CATCH_UP = Duration.ofMillis(100);
  private static final Duration MAX_DENYLIST_CATCH_UP = Duration.ofMinutes(1);

  /** @throws IllegalArgumentException with a message naming the offending option */
  public ServerConfig {
    Objects.requireNonNull(dataDir, "--data-dir");
    require(host != null && !host.isBlank(), "--host must not be empty");
    require(port >= 0 && port <= 65_535, "--port must be between 0 and 65535, not " + port);
    issuer = checkIssuer(issuer);
    require(audience != null && !audience.isBlank() && !audience.contains(" "),
        "--audience must be a non-empty value without spaces");
    require(positive(accessTokenTtl) && accessTokenTtl.compareTo(MAX_ACCESS_TOKEN_TTL) <= 0,
        "--access-token-ttl must be more than 0 and at most 24h");
    Objects.requireNonNull(tokenFormat, "--token-format");
    Objects.requireNonNull(algorithm, "--algorithm");
    require(clockSkew != null && !clockSkew.isNegative() && clockSkew.compareTo(MAX_CLOCK_SKEW) <= 0,
        "--clock-skew must be between 0s and 5m");
    require(positive(refreshIdleTtl), "--refresh-idle-ttl must be more than 0");
    require(positive(refreshAbsoluteTtl) && refreshAbsoluteTtl.compareTo(refreshIdleTtl) >= 0,
        "--refresh-absolute-ttl must be at least --refresh-idle-ttl");
    require(refreshGrace != null && !refreshGrace.isNegative() && refreshGrace.compareTo(MAX_REFRESH_GRACE) <= 0,
        "--refresh-grace must be between 0s and 60s");
    require(maxTokenSize >= 512 && maxTokenSize <= 65_536, "--max-token-size must be between 512 and 65536");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(store, "store");
    require(!(store instanceof StoreConfig.Embedded e) || e.dataDir().equals(dataDir),
        "the embedded database lives in --data-dir");
    require(denylistCatchUp != null && denylistCatchUp.compareTo(MIN_DENYLIST_CATCH_UP) >= 0
            && denylistCatchUp.compareTo(MAX_DENYLIST_CATCH_UP) <= 0,
        "--denylist-catch-up must be between 100ms and 1m");
    Objects.requireNonNull(abuse, "abuse");
    Objects.requireNonNull(crypto, "--crypto-provider");
    if (algorithm == SigningAlgorithm.HS256) {
      require(hs256Secret != null,
          "--algorithm HS256 needs a secret: --hs256-secret-file FILE or the environment variable KEYCARD_HS256_SECRET");
      require(hs256Secret.length >= KeyGenerator.MIN_HMAC_SECRET_BYTES,
          "the HS256 secret has " + hs256Secret.length * 8 + " bits; at least "
              + KeyGenerator.MIN_HMAC_SECRET_BYTES * 8 + " are required (RFC 7518 §3.2)");
      hs256Secret = hs256Secret.clone();
    } else {
      require(hs256Secret == null, "an HS256 secret was given but --algorithm is " + algorithm
          + "; remove --hs256-secret-file / KEYCARD_HS256_SECRET or use --algorithm HS256");
    }
    // A cookie sent over plain HTTP across a network can be read by anyone on the path, and it is sent
    // by itself: there is no cookie mode without TLS except where nothing crosses a network.
    require(!cookieSessions || tls != null || isLoopback(host) || !abuse.trustedProxies().isEmpty(),
        "--cookie-sessions on " + host + " needs TLS: --tls-cert and --tls-key, or --trusted-proxies naming the"
            + " proxies that terminate TLS in front of keycard (plain HTTP is allowed on a loopback --host only;"
            + " --no-cookie-sessions turns them off)");
  }

  /** A configuration on the native crypto provider where it is healthy (the default). */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize,
      ListenerLimits limits, StoreConfig store, Duration denylistCatchUp, AbuseControls abuse, TlsFiles tls,
      boolean cookieSessions) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store, denylistCatchUp, abuse, tls,
        cookieSessions, CryptoChoice.NATIVE);
  }

  /** A configuration without cookie sessions. */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize,
      ListenerLimits limits, StoreConfig store, Duration denylistCatchUp, AbuseControls abuse, TlsFiles tls) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store, denylistCatchUp, abuse, tls,
        false);
  }

  /** A configuration without TLS. */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize,
      ListenerLimits limits, StoreConfig store, Duration denylistCatchUp, AbuseControls abuse) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store, denylistCatchUp, abuse, null);
  }

  /** A configuration with the default {@link AbuseControls}. */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize,
      ListenerLimits limits, StoreConfig store, Duration denylistCatchUp) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store, denylistCatchUp,
        AbuseControls.defaults());
  }

  /** A configuration with the embedded database in {@code dataDir} and the default catch-up. */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize,
      ListenerLimits limits) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, new StoreConfig.Embedded(dataDir),
        DEFAULT_DENYLIST_CATCH_UP, AbuseControls.defaults());
  }

  /** A configuration with the default {@link ListenerLimits}. */
  public ServerConfig(Path dataDir, String host, int port, String issuer, String audience, Duration accessTokenTtl,
      TokenFormat tokenFormat, SigningAlgorithm algorithm, byte[] hs256Secret, Duration clockSkew,
      Duration refreshIdleTtl, Duration refreshAbsoluteTtl, Duration refreshGrace, int maxTokenSize) {
    this(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm, hs256Secret, clockSkew,
        refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, ListenerLimits.defaults());
  }

  @Override
  public byte[] hs256Secret() {
    return hs256Secret == null ? null : hs256Secret.clone();
  }

  /** Retired keys keep verifying this long: every token they signed has expired by then. */
  public Duration keyRetention() {
    return accessTokenTtl.plus(clockSkew);
  }

  /** A copy listening elsewhere; tests use port 0. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(dataDir, host, newPort, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        denylistCatchUp, abuse, tls, cookieSessions, crypto);
  }

  /** A copy with other listener limits; tests use short timeouts. */
  public ServerConfig withLimits(ListenerLimits newLimits) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, newLimits, store,
        denylistCatchUp, abuse, tls, cookieSessions, crypto);
  }

  /** A copy that reads other instances' revocations this often; tests use short intervals. */
  public ServerConfig withDenylistCatchUp(Duration interval) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        interval, abuse, tls, cookieSessions, crypto);
  }

  /** A copy with other abuse controls (rate limits, throttling, monitoring). */
  public ServerConfig withAbuse(AbuseControls newAbuse) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        denylistCatchUp, newAbuse, tls, cookieSessions, crypto);
  }

  /** A copy serving TLS with {@code files}, or plain HTTP with {@code null}. */
  public ServerConfig withTls(TlsFiles files) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        denylistCatchUp, abuse, files, cookieSessions, crypto);
  }

  /** A copy with browser cookie sessions on or off. */
  public ServerConfig withCookieSessions(boolean on) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        denylistCatchUp, abuse, tls, on, crypto);
  }

  /** A copy signing and verifying on other providers. */
  public ServerConfig withCrypto(CryptoChoice choice) {
    return new ServerConfig(dataDir, host, port, issuer, audience, accessTokenTtl, tokenFormat, algorithm,
        hs256Secret, clockSkew, refreshIdleTtl, refreshAbsoluteTtl, refreshGrace, maxTokenSize, limits, store,
        denylistCatchUp, abuse, tls, cookieSessions, choice);
  }

  /** Whether {@code host} is a loopback address: literals only ({@code 127.0.0.0/8}, {@code ::1}) and {@code localhost}. */
  public static boolean isLoopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
    try {
      return address != null && InetAddress.getByAddress(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    // The secrets stay out of logs (StoreConfig hides the database password).
    return "ServerConfig[dataDir=" + dataDir + ", host=" + host + ", port=" + port + ", issuer=" + issuer
        + ", audience=" + audience + ", accessTokenTtl=" + Durations.format(accessTokenTtl)
        + ", tokenFormat=" + tokenFormat + ", algorithm=" + algorithm
        + ", clockSkew=" + Durations.format(clockSkew) + ", refreshIdleTtl=" + Durations.format(refreshIdleTtl)
        + ", refreshAbsoluteTtl=" + Durations.format(refreshAbsoluteTtl)
        + ", refreshGrace=" + Durations.format(refreshGrace) + ", maxTokenSize=" + maxTokenSize
        + ", limits=" + limits + ", store=" + store + ", denylistCatchUp=" + Durations.format(denylistCatchUp)
        + ", abuse=" + abuse + ", tls=" + tls + ", cookieSessions=" + cookieSessions
        + ", crypto=" + crypto.optionValue() + "]";
  }

  /** RFC 8414 §2: the issuer is an https (or, for local use, http) URL without query or fragment. */
  private static String checkIssuer(String issuer) {
    require(issuer != null && !issuer.isBlank(), "--issuer must not be empty");
    try {
      URI u = new URI(issuer);
      require(("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
              && u.getRawQuery() == null && u.getRawFragment() == null,
          "--issuer must be an http(s) URL without query or fragment, not '" + issuer + "'");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--issuer must be an http(s) URL, not '" + issuer + "'");
    }
    return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
