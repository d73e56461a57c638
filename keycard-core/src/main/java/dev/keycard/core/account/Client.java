package dev.keycard.core.account;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An OAuth client (RFC 6749 §2).
 *
 * @param secretHash {@link dev.keycard.core.secret.Secrets#hash} of the client secret, or {@code null}
 *                   for a public client (one that cannot keep a secret, like the login front end).
 *                   Secrets are 256 random bits, so a fast hash is enough.
 * @param scopes     what client-credentials tokens of this client may grant
 */
public record Client(String clientId, String secretHash, Set<String> scopes, Instant createdAt) {
  public Client {
    Objects.requireNonNull(clientId, "clientId");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public boolean confidential() {
    return secretHash != null;
  }

  @Override
  public String toString() {
    return "Client[clientId=" + clientId + ", scopes=" + scopes + "]";
  }
}
