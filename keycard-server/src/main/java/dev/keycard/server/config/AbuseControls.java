package dev.keycard.server.config;

import java.util.Objects;

/**
 * The settings of keycard's abuse controls and usage monitoring. Each concern is a component of its
 * own so that each is validated, documented and defaulted in one place.
 *
 * @param trustedProxies the proxies whose {@code Forwarded} / {@code X-Forwarded-For} are believed
 * @param anomalies      anomaly detection: thresholds, GeoIP2 database, policies
 * @param observability  the management listener ({@code /metrics}) and the audit trail
 * @param streamLimits   the concurrent-stream limit per account
 * @param logins         login and client-authentication throttling, and the password-hashing pool
 * @param rateLimits     the per-token rate limits
 */
public record AbuseControls(TrustedProxies trustedProxies, AnomalyDetection anomalies, Observability observability,
    StreamLimits streamLimits, LoginThrottling logins, RateLimits rateLimits) {

  public AbuseControls {
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(anomalies, "anomalies");
    Objects.requireNonNull(observability, "observability");
    Objects.requireNonNull(streamLimits, "streamLimits");
    Objects.requireNonNull(logins, "logins");
    Objects.requireNonNull(rateLimits, "rateLimits");
  }

  /** What {@code keycard serve} does without any of the options. */
  public static AbuseControls defaults() {
    return new AbuseControls(TrustedProxies.NONE, AnomalyDetection.defaults(), Observability.defaults(),
        StreamLimits.defaults(), LoginThrottling.defaults(), RateLimits.defaults());
  }

  public AbuseControls withTrustedProxies(TrustedProxies value) {
    return new AbuseControls(value, anomalies, observability, streamLimits, logins, rateLimits);
  }

  public AbuseControls withAnomalies(AnomalyDetection value) {
    return new AbuseControls(trustedProxies, value, observability, streamLimits, logins, rateLimits);
  }

  public AbuseControls withObservability(Observability value) {
    return new AbuseControls(trustedProxies, anomalies, value, streamLimits, logins, rateLimits);
  }

  public AbuseControls withStreamLimits(StreamLimits value) {
    return new AbuseControls(trustedProxies, anomalies, observability, value, logins, rateLimits);
  }

  public AbuseControls withRateLimits(RateLimits value) {
    return new AbuseControls(trustedProxies, anomalies, observability, streamLimits, logins, value);
  }

  public AbuseControls withLogins(LoginThrottling value) {
    return new AbuseControls(trustedProxies, anomalies, observability, streamLimits, value, rateLimits);
  }
}
