package dev.keycard.core.auth;

import dev.keycard.core.token.IssuedAccessToken;
import java.util.Set;

/**
 * A successful token response (RFC 6749 §5.1).
 *
 * @param refreshToken the new refresh token, or {@code null} (client credentials get none)
 */
public record TokenGrant(IssuedAccessToken access, String refreshToken, Set<String> scopes, long expiresInSeconds) {
  public TokenGrant {
    scopes = Set.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "TokenGrant[" + access + ", scopes=" + scopes + "]";
  }
}
