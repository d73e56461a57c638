package dev.keycard.server;

import dev.keycard.core.csrf.CsrfTokens;
import dev.keycard.core.admin.Administration;
import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.KeySource;
import dev.keycard.server.anomaly.AnomalyWatch;
import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RateLimiter;
import dev.keycard.core.revocation.RevocationFeed;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.http.ClientAddresses;
import dev.keycard.server.login.CredentialProtection;
import dev.keycard.server.login.CredentialProtections;
import dev.keycard.server.monitoring.Monitoring;
import dev.keycard.server.operator.OperatorHistory;
import java.time.InstantSource;

/**
 * What the HTTP routes need, built once per server.
 *
 * @param bearerBlocks whether a bearer check may block (opaque tokens are looked up in the database),
 *                     so the routes run it off the event loop
 * @param readiness    what {@code /health/ready} reports, or {@code null} for a server without it
 * @param monitoring   meters and the audit trail
 * @param clientAddresses the one rule for a request's client address (trusted proxies)
 * @param admin        the administration API's decisions and the session activity it shows, or
 *                     {@code null} for routes without them
 * @param anomalies    anomaly detection, fed by every successful bearer check
 * @param credentials  login and client-authentication throttling, and the password-hashing pool
 * @param rateLimiter  the per-token rate limits of the protected routes
 * @param csrf         the anti-CSRF tokens of browser cookie sessions, or {@code null} when cookie
 *                     sessions are off (then no route reads a cookie)
 * @param operatorHistory the operator page's last hour, or {@code null} for routes without it
 * @param revocationFeed the denylist as a feed for other services, or {@code null} for routes without it
 */
public record Services(
    ServerConfig config,
    AuthorizationServer authorizationServer,
    BearerAuthenticator bearer,
    boolean bearerBlocks,
    KeySource keys,
    Readiness readiness,
    Monitoring monitoring,
    ClientAddresses clientAddresses,
    Administration admin,
    AnomalyWatch anomalies,
    CredentialProtection credentials,
    RateLimiter rateLimiter,
    CsrfTokens csrf,
    OperatorHistory operatorHistory,
    RevocationFeed revocationFeed) {

  /** Without cookie sessions. */
  public Services(ServerConfig config, AuthorizationServer authorizationServer, BearerAuthenticator bearer,
      boolean bearerBlocks, KeySource keys, Readiness readiness, Monitoring monitoring,
      ClientAddresses clientAddresses, Administration admin, AnomalyWatch anomalies,
      CredentialProtection credentials, RateLimiter rateLimiter) {
    this(config, authorizationServer, bearer, bearerBlocks, keys, readiness, monitoring, clientAddresses, admin,
        anomalies, credentials, rateLimiter, null, null, null);
  }

  /**
   * Without {@code /health/ready}, with meters in memory and no audit trail (tests that build routes
   * without a running server).
   */
  public Services(ServerConfig config, AuthorizationServer authorizationServer, BearerAuthenticator bearer,
      boolean bearerBlocks, KeySource keys) {
    this(config, authorizationServer, bearer, bearerBlocks, keys, null, Monitoring.inMemory(),
        new ClientAddresses(config.abuse().trustedProxies()));
  }

  /**
   * Without the admin API and anomaly detection, with in-process login throttling (and its own
   * password-hashing pool) and local rate-limit buckets.
   */
  public Services(ServerConfig config, AuthorizationServer authorizationServer, BearerAuthenticator bearer,
      boolean bearerBlocks, KeySource keys, Readiness readiness, Monitoring monitoring,
      ClientAddresses clientAddresses) {
    this(config, authorizationServer, bearer, bearerBlocks, keys, readiness, monitoring, clientAddresses, null, null,
        CredentialProtections.inProcess(config.abuse().logins(), monitoring, InstantSource.system()),
        new LocalRateLimiter(config.abuse().rateLimits().policies(), InstantSource.system()));
  }
}
