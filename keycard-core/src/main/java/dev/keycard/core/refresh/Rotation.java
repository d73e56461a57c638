package dev.keycard.core.refresh;

/** The outcome of presenting a refresh token. */
public sealed interface Rotation {
  /** The token was current: here is its successor. */
  record Rotated(IssuedRefreshToken next) implements Rotation {}

  /** The token is unknown, expired, revoked or another client's. */
  record Refused(RefreshRefusal reason) implements Rotation {}

  /**
   * The token had already been exchanged: someone replayed it, so the whole family has just been
   * revoked (RFC 9700 §4.14.2). The caller must also revoke the family's access tokens.
   */
  record ReuseDetected(RefreshTokenFamily family) implements Rotation {}
}
