package dev.keycard.core.token;

import java.util.Objects;
import java.util.Set;

/**
 * What an access token is to say.
 *
 * @param sessionId the refresh-token family the token belongs to, or {@code null} for none
 */
public record AccessTokenRequest(String subject, String clientId, Set<String> scopes, String sessionId) {
  public AccessTokenRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    scopes = Set.copyOf(scopes);
  }
}
