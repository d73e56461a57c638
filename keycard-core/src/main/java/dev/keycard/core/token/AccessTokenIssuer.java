package dev.keycard.core.token;

/** Mints access tokens. Implementations are thread-safe. */
@FunctionalInterface
public interface AccessTokenIssuer {
  IssuedAccessToken issue(AccessTokenRequest request);
}
