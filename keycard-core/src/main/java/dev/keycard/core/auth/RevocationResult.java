package dev.keycard.core.auth;

/** The outcome of an RFC 7009 revocation request. */
public sealed interface RevocationResult {
  /** 200, whether or not the token was valid (RFC 7009 §2.2). */
  record Done() implements RevocationResult {}

  record Failed(OAuthError error) implements RevocationResult {}
}
