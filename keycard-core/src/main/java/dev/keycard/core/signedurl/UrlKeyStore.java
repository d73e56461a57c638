package dev.keycard.core.signedurl;

import java.time.Instant;
import java.util.List;

/**
 * Where the keys of signed playback URLs are kept between restarts and shared between instances.
 * Blocking (a database): call it from a worker thread.
 */
public interface UrlKeyStore {
  /** Every stored key, newest first (ties broken by key id, so every reader agrees on the newest). */
  List<UrlSigningKey> newestFirst();

  /**
   * Stores {@code first} when the store holds no key yet. Atomic: of instances starting together on an
   * empty store, exactly one stores its candidate; the others find it with {@link #newestFirst}.
   *
   * @return whether {@code first} was stored
   */
  boolean addIfEmpty(UrlSigningKey first, Instant createdAt);
}
