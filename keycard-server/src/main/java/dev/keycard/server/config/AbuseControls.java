package dev.keycard.server.config;

import java.util.Objects;

/**
 * The settings of keycard's abuse controls and usage monitoring: whom to believe about a client's
 * address, and (as they are added) rate limits, login throttling, concurrent-stream limits, metrics,
 * the audit trail and anomaly detection. Each concern is a component of its own so that each is
 * validated, documented and defaulted in one place.
 *
 * @param trustedProxies the proxies whose {@code Forwarded} / {@code X-Forwarded-For} are believed
 * @param anomalies      anomaly detection: thresholds, GeoIP2 database, policies
 * @param observability  the management listener ({@code /metrics}) and the audit trail
 */
public record AbuseControls(TrustedProxies trustedProxies, AnomalyDetection anomalies, Observability observability) {

  public AbuseControls {
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(anomalies, "anomalies");
    Objects.requireNonNull(observability, "observability");
  }

  /** What {@code keycard serve} does without any of the options. */
  public static AbuseControls defaults() {
    return new AbuseControls(TrustedProxies.NONE, AnomalyDetection.defaults(), Observability.defaults());
  }

  public AbuseControls withTrustedProxies(TrustedProxies value) {
    return new AbuseControls(value, anomalies, observability);
  }

  public AbuseControls withAnomalies(AnomalyDetection value) {
    return new AbuseControls(trustedProxies, value, observability);
  }

  public AbuseControls withObservability(Observability value) {
    return new AbuseControls(trustedProxies, anomalies, value);
  }
}
