package dev.keycard.server.config;

import java.util.Objects;

/**
 * The settings of keycard's abuse controls and usage monitoring: whom to believe about a client's
 * address, and (as they are added) rate limits, login throttling, concurrent-stream limits, metrics,
 * the audit trail and anomaly detection. Each concern is a component of its own so that each is
 * validated, documented and defaulted in one place.
 *
 * @param trustedProxies the proxies whose {@code Forwarded} / {@code X-Forwarded-For} are believed
 * @param rateLimits     the per-token rate limits
 */
public record AbuseControls(TrustedProxies trustedProxies, RateLimits rateLimits) {

  public AbuseControls {
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(rateLimits, "rateLimits");
  }

  /** What {@code keycard serve} does without any of the options. */
  public static AbuseControls defaults() {
    return new AbuseControls(TrustedProxies.NONE, RateLimits.defaults());
  }

  public AbuseControls withTrustedProxies(TrustedProxies value) {
    return new AbuseControls(value, rateLimits);
  }

  public AbuseControls withRateLimits(RateLimits value) {
    return new AbuseControls(trustedProxies, value);
  }
}
