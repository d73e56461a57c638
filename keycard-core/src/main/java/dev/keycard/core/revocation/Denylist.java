package dev.keycard.core.revocation;

import java.time.Instant;

/**
 * Identifiers of revoked tokens ({@code jti}) and revoked sessions ({@code sid}, a refresh-token
 * family). An entry only needs to outlive the tokens it kills, so each carries an expiry and the
 * list stays bounded by the access-token lifetime.
 *
 * <p>{@link #isRevoked} is on the hot path of every request. It throws
 * {@link dev.keycard.core.StoreUnavailableException} when the list cannot be consulted.
 */
public interface Denylist {
  boolean isRevoked(String id);

  /** Revokes {@code id} until {@code until}, after which the entry may be forgotten. */
  void revoke(String id, Instant until);
}
