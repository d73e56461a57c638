package dev.keycard.core.auth;

/** The outcome of a login or a token request. */
public sealed interface GrantResult {
  record Granted(TokenGrant grant) implements GrantResult {}

  record Failed(OAuthError error) implements GrantResult {}
}
