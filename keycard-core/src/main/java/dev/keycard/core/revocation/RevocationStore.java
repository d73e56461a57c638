package dev.keycard.core.revocation;

import java.time.Instant;
import java.util.List;

/**
 * The durable, shared record of denylist entries: a restart (or a killed process) forgets no
 * revocation, and every instance on the same store learns every other's revocations by reading what
 * was saved after the last entry it has seen ({@link DenylistReplica#catchUp}). Blocking: call it
 * from a worker thread.
 *
 * <p>Each save gets a sequence number greater than every earlier one, and saves become visible in
 * that order: once a reader has seen sequence {@code n}, no entry {@code <= n} appears later. (A bare
 * database sequence does not promise this: transactions draw numbers and commit in different orders,
 * so a reader could skip an entry that commits late. Implementations serialise their writers, e.g.
 * on a counter row or an advisory lock.) Sequence numbers may have gaps.
 */
public interface RevocationStore {
  /**
   * Records {@code id} as revoked until {@code until}, under a new sequence number. Saving an id again
   * adds another entry; readers keep the latest expiry of an id.
   */
  void save(String id, Instant until);

  /**
   * Up to {@code max} entries with a sequence greater than {@code sequence}, in sequence order. An
   * entry purged since is not returned; an expired one not yet purged may be.
   */
  List<Revocation> revokedAfter(long sequence, int max);

  /** Deletes entries whose expiry passed before {@code before}; returns how many. */
  int purgeExpired(Instant before);
}
