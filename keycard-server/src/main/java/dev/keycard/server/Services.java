package dev.keycard.server;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.KeySource;
import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RateLimiter;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.http.ClientAddresses;
import dev.keycard.server.monitoring.Monitoring;
import java.time.InstantSource;

/**
 * What the HTTP routes need, built once per server.
 *
 * @param bearerBlocks whether a bearer check may block (opaque tokens are looked up in the database),
 *                     so the routes run it off the event loop
 * @param readiness    what {@code /health/ready} reports, or {@code null} for a server without it
 * @param monitoring   meters and the audit trail
 * @param clientAddresses the one rule for a request's client address (trusted proxies)
 * @param rateLimiter  the per-token rate limits of the protected routes
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
    RateLimiter rateLimiter) {

  /**
   * Without {@code /health/ready}, with meters in memory and no audit trail (tests that build routes
   * without a running server).
   */
  public Services(ServerConfig config, AuthorizationServer authorizationServer, BearerAuthenticator bearer,
      boolean bearerBlocks, KeySource keys) {
    this(config, authorizationServer, bearer, bearerBlocks, keys, null, Monitoring.inMemory(),
        new ClientAddresses(config.abuse().trustedProxies()),
        new LocalRateLimiter(config.abuse().rateLimits().policies(), InstantSource.system()));
  }
}
