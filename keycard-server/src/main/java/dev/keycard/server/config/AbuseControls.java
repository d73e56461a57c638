package dev.keycard.server.config;

import java.util.Objects;

/**
 * The settings of keycard's abuse controls and usage monitoring: whom to believe about a client's
 * address, and (as they are added) rate limits, login throttling, concurrent-stream limits, metrics,
 * the audit trail and anomaly detection. Each concern is a component of its own so that each is
 * validated, documented and defaulted in one place.
 *
 * @param trustedProxies the proxies whose {@code Forwarded} / {@code X-Forwarded-For} are believed
 * @param logins         login and client-authentication throttling, and the password-hashing pool
 */
public record AbuseControls(TrustedProxies trustedProxies, LoginThrottling logins) {

  public AbuseControls {
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(logins, "logins");
  }

  /** What {@code keycard serve} does without any of the options. */
  public static AbuseControls defaults() {
    return new AbuseControls(TrustedProxies.NONE, LoginThrottling.defaults());
  }

  public AbuseControls withTrustedProxies(TrustedProxies value) {
    return new AbuseControls(value, logins);
  }

  public AbuseControls withLogins(LoginThrottling value) {
    return new AbuseControls(trustedProxies, value);
  }
}
