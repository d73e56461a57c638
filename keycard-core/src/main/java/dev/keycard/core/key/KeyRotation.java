package dev.keycard.core.key;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The key life cycle: make a signer on first start, rotate on demand, and keep a retired key's
 * public part published until every token it signed has expired ({@code retiredAt + token lifetime
 * + clock skew}), then drop it.
 */
public final class KeyRotation {
  private static final int MAX_ATTEMPTS = 5;

  private final SigningKeyStore store;
  private final KeyGenerator generator;
  private final InstantSource clock;
  private final Duration retention;
  private final CryptoProviders crypto;

  /**
   * @param retention how long a retired key must still verify: the longest access-token lifetime
   *                  plus the verifiers' clock skew
   */
  public KeyRotation(SigningKeyStore store, KeyGenerator generator, InstantSource clock, Duration retention) {
    this(store, generator, clock, retention, CryptoProviders.jdk());
  }

  /** @param crypto the providers the rings it builds sign and verify with */
  public KeyRotation(SigningKeyStore store, KeyGenerator generator, InstantSource clock, Duration retention,
      CryptoProviders crypto) {
    this.store = store;
    this.generator = generator;
    this.clock = clock;
    this.retention = retention;
    this.crypto = crypto;
  }

  /**
   * Makes a signer of this algorithm when the store has no active key of it; returns the ring. Safe
   * when several instances start together on one store: exactly one key is made.
   */
  public KeyRing ensureSigner(SigningAlgorithm algorithm) {
    for (int attempt = 1; ; attempt++) {
      List<SigningKey> active = store.all().stream().filter(k -> !k.retired()).toList();
      if (active.stream().anyMatch(k -> k.algorithm() == algorithm)) {
        return ring();
      }
      Instant now = clock.instant();
      // Keys of another algorithm (a configuration change) stop signing now but keep verifying.
      if (store.replaceSigner(kids(active), generator.generate(algorithm, now), now)) {
        return ring();
      }
      // Another instance changed the signers first: look at what it made.
      giveUpAfter(attempt);
    }
  }

  /**
   * Makes a new signer; the previous ones retire and keep verifying for the retention period. When
   * another process rotates at the same moment, both new keys are stored, this one last.
   */
  public SigningKey rotate(SigningAlgorithm algorithm) {
    Instant now = clock.instant();
    SigningKey next = generator.generate(algorithm, now);
    for (int attempt = 1; ; attempt++) {
      Set<String> active = kids(store.all().stream().filter(k -> !k.retired()).toList());
      if (store.replaceSigner(active, next, now)) {
        return next;
      }
      giveUpAfter(attempt);
    }
  }

  /** The current ring, after dropping keys retired longer than the retention period. */
  public KeyRing ring() {
    return KeyRing.of(liveKeys(), crypto);
  }

  private List<SigningKey> liveKeys() {
    Instant cutoff = clock.instant().minus(retention);
    List<SigningKey> live = new ArrayList<>();
    for (SigningKey k : store.all()) {
      if (k.retired() && k.retiredAt().isBefore(cutoff)) {
        store.delete(k.kid());
      } else {
        live.add(k);
      }
    }
    return live;
  }

  /**
   * A ring of stored asymmetric keys plus an operator's HS256 secret as the signer. HS256 secrets
   * never enter the store: they come from the environment or a file.
   */
  public KeyRing ringWithHmacSigner(SigningKey hmacSigner, List<SigningKey> previousHmacKeys) {
    Instant now = clock.instant();
    store.all().stream().filter(k -> !k.retired()).forEach(k -> store.retire(k.kid(), now));
    List<SigningKey> keys = new ArrayList<>(liveKeys());
    keys.add(hmacSigner);
    keys.addAll(previousHmacKeys);
    return KeyRing.of(hmacSigner, keys, crypto);
  }

  private static Set<String> kids(List<SigningKey> keys) {
    return keys.stream().map(SigningKey::kid).collect(Collectors.toUnmodifiableSet());
  }

  /** Losing a few races in a row is normal at a busy start; losing every one means a fight. */
  private static void giveUpAfter(int attempt) {
    if (attempt >= MAX_ATTEMPTS) {
      throw new IllegalStateException("the signing keys kept changing under " + MAX_ATTEMPTS + " attempts to set a "
          + "signer: do instances sharing this store run with different --algorithm values?");
    }
  }
}
