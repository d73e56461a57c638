package dev.keycard.core.stream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where stream keys live, hashed. Blocking (a database): call it from a worker thread. Keys are never
 * deleted, only revoked, so a list shows what was issued and when it stopped working.
 */
public interface StreamKeyStore {

  /** Stores a new key. @throws IllegalStateException when its key id or hash is already stored */
  void add(StreamKey key);

  /** The key whose SHA-256 is {@code hash}, of whatever stream, revoked or not. */
  Optional<StreamKey> findByHash(String hash);

  /** The stream's keys, revoked ones included, oldest first. */
  List<StreamKey> list(String streamId);

  /**
   * Revokes the stream's key {@code keyId} as of {@code at}. A key already revoked earlier keeps its
   * earlier time: a revocation can be brought forward, never postponed.
   *
   * @return the key as stored afterwards; empty when the stream has no key with that id
   */
  Optional<StreamKey> revoke(String streamId, String keyId, Instant at);
}
