package dev.keycard.core.auth;

/** The outcome of an RFC 7009 revocation request. */
public sealed interface RevocationResult {
  /**
   * 200, whether or not the token was valid (RFC 7009 §2.2). What was revoked, for the audit trail
   * only (the answer says nothing about it): an access token ({@code tokenId}, with the session it
   * belongs to, if any) or, when {@code tokenId} is {@code null}, a whole session ({@code sessionId},
   * a refresh token's family); all {@code null} when the token was unknown, expired or another
   * client's.
   */
  record Done(String subject, String sessionId, String tokenId) implements RevocationResult {
    public Done() {
      this(null, null, null);
    }

    /** Whether a session or a token was revoked by this request. */
    public boolean revokedSomething() {
      return sessionId != null || tokenId != null;
    }
  }

  record Failed(OAuthError error) implements RevocationResult {}
}
