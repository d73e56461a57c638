package dev.keycard.core.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where refresh-token families live. {@link #rotate} must be atomic: of two concurrent calls with the
 * same presented hash, at most one returns {@code true}.
 */
public interface RefreshTokenStore {
  /** Stores a new family and its first token, together. */
  void createFamily(RefreshTokenFamily family, RefreshTokenRecord first);

  Optional<RefreshTokenRecord> findToken(String hash);

  Optional<RefreshTokenFamily> findFamily(String familyId);

  /**
   * Every stored family (login session) of {@code subject}, revoked and expired ones included until
   * they are purged, oldest first.
   */
  List<RefreshTokenFamily> familiesOf(String subject);

  /**
   * The token {@code hash} with its family: what {@link #findToken} and then {@link #findFamily}
   * return, empty when either is missing. Every refresh reads both before it decides; a database
   * answers with one query (a join) instead of two round trips.
   */
  default Optional<TokenInFamily> findTokenInFamily(String hash) {
    return findToken(hash).flatMap(t -> findFamily(t.familyId()).map(f -> new TokenInFamily(t, f)));
  }

  /**
   * In one transaction: if the token {@code presentedHash} is {@link RefreshTokenRecord.State#ACTIVE},
   * mark it rotated (at {@code at}, pointing at the successor) and store {@code successor}.
   *
   * @return {@code true} when this call did the rotation; {@code false} when the token was no longer
   *     active (rotated by a concurrent call, or revoked), in which case nothing changed
   */
  boolean rotate(String presentedHash, RefreshTokenRecord successor, Instant at);

  /**
   * Revokes the family and every token in it.
   *
   * @return {@code true} when this call revoked it; {@code false} when it was already revoked or unknown
   */
  boolean revokeFamily(String familyId, Instant at);

  /** Deletes families whose absolute expiry passed before {@code before}; returns how many. */
  int purgeExpired(Instant before);

  /**
   * The secret successor tokens are derived from ({@link RefreshTokenRotation}): the stored one, or,
   * when the store has none yet, {@code candidate}, stored first. Every process sharing the store gets
   * the same key, before and after a restart, however many call this at once.
   *
   * @param at when the candidate was made (recorded if it is stored)
   */
  byte[] successorKey(byte[] candidate, Instant at);
}
