package dev.keycard.core.refresh;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One login session: the chain of refresh tokens that rotation derives from a single grant. Its id
 * is also the {@code sid} claim of every access token issued from it, so revoking the family
 * revokes those access tokens too.
 *
 * @param absoluteExpiresAt no token of the family is honoured after this, however recently used
 * @param revokedAt         when the family was revoked (logout, reuse), or {@code null}
 */
public record RefreshTokenFamily(
    String id, String subject, String clientId, Set<String> scopes,
    Instant createdAt, Instant absoluteExpiresAt, Instant revokedAt) {
  public RefreshTokenFamily {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
  }

  public boolean revoked() {
    return revokedAt != null;
  }
}
