package dev.keycard.core.auth;

import dev.keycard.core.refresh.RefreshTokenFamily;

/** The outcome of a login or a token request. */
public sealed interface GrantResult {
  record Granted(TokenGrant grant) implements GrantResult {}

  /**
   * @param revokedFamily the session this request ended, when a refresh token was presented a second
   *                      time (reuse: the whole family is revoked), else {@code null}. The web adapter
   *                      audits and counts it; the answer to the client is the same {@code error}.
   */
  record Failed(OAuthError error, RefreshTokenFamily revokedFamily) implements GrantResult {
    public Failed(OAuthError error) {
      this(error, null);
    }
  }
}
