package dev.keycard.server;

import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.KeyRotation;
import dev.keycard.core.key.KeySource;
import dev.keycard.core.key.SigningAlgorithm;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's key ring, re-read from the store by {@link #reload()} (every few seconds, off the
 * event loop), so a {@code keycard keys rotate} run by another process takes effect without a
 * restart. Readers get the last snapshot: {@link #current()} never blocks.
 */
final class ReloadingKeySource implements KeySource {
  private final KeyRotation rotation;
  private final SigningAlgorithm algorithm;
  private final byte[] hs256Secret;
  private final InstantSource clock;
  private final AtomicReference<KeyRing> ring = new AtomicReference<>();

  /** Makes a signer of {@code algorithm} when the store has none, and loads the ring (blocking). */
  ReloadingKeySource(KeyRotation rotation, SigningAlgorithm algorithm, byte[] hs256Secret, InstantSource clock) {
    this.rotation = rotation;
    this.algorithm = algorithm;
    this.hs256Secret = hs256Secret;
    this.clock = clock;
    ring.set(algorithm == SigningAlgorithm.HS256 ? hmacRing() : rotation.ensureSigner(algorithm));
  }

  @Override
  public KeyRing current() {
    return ring.get();
  }

  /** Blocking: reads the store (and drops keys retired longer than the retention period). */
  void reload() {
    ring.set(algorithm == SigningAlgorithm.HS256 ? hmacRing() : rotation.ring());
  }

  private KeyRing hmacRing() {
    // The secret comes from the operator, never from the store; its kid is derived from it.
    return rotation.ringWithHmacSigner(KeyGenerator.hmacKey(hs256Secret, clock.instant()), List.of());
  }
}
