package dev.keycard.core.audit;

import java.util.Locale;

/**
 * What a security decision was about. The wire name (the {@code event} field of an audit line) is
 * the constant in lower case with dots: {@code LOGIN_FAILED} is {@code login.failed}. Operators grep
 * and alert on these names, so they are part of keycard's interface: add, never rename.
 */
public enum AuditAction {
  LOGIN_SUCCEEDED,
  LOGIN_FAILED,
  LOGIN_THROTTLED,
  CLIENT_AUTHENTICATION_FAILED,
  CLIENT_AUTHENTICATION_THROTTLED,
  TOKEN_ISSUED,
  REFRESH_SUCCEEDED,
  REFRESH_FAILED,
  REFRESH_REUSE_DETECTED,
  TOKEN_REVOKED,
  LOGOUT,
  STREAM_STARTED,
  STREAM_REFUSED,
  PLAYBACK_REFUSED,
  RATE_LIMITED,
  ANOMALY_DETECTED,
  SESSION_REVOKED,
  ADMIN_ACTION;

  private final String wireName = name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");

  /** The {@code event} field: {@code login.failed}, {@code refresh.reuse_detected}, ... */
  public String wireName() {
    return wireName;
  }
}
