package dev.keycard.core.key;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Where signing keys (private parts included) are kept between restarts and shared between instances.
 * Blocking (a database): call it from a worker thread.
 */
public interface SigningKeyStore {
  /** Every stored key, retired ones included, in no particular order. */
  List<SigningKey> all();

  /**
   * Makes {@code next} the signer, as a compare-and-set: provided the keys not retired are exactly
   * {@code expectedActive} (by kid), retires them at {@code at} and stores {@code next}, in one atomic
   * step. Of concurrent calls expecting the same keys, at most one succeeds, so instances starting
   * together on an empty store end with exactly one signer.
   *
   * @param next a key not retired
   * @return whether {@code next} was stored; {@code false} when the active keys were not
   *     {@code expectedActive} (another process changed them first), in which case nothing changed
   */
  boolean replaceSigner(Set<String> expectedActive, SigningKey next, Instant at);

  /** Marks the key as no longer signing; it stays for verification until {@link #delete}d. */
  void retire(String kid, Instant at);

  void delete(String kid);
}
