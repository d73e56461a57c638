package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every {@link SigningKeyStore} must do; replacing the signer is a compare-and-set. */
public abstract class SigningKeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final KeyGenerator GENERATOR = new KeyGenerator(new SecureRandom());
  private SigningKeyStore store;

  protected abstract SigningKeyStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void keyRoundTripsWithItsPrivatePart(SigningAlgorithm algorithm) {
    SigningKey key = GENERATOR.generate(algorithm, T0);
    assertThat(store.replaceSigner(Set.of(), key, T0)).isTrue();
    SigningKey back = store.all().getFirst();
    assertThat(back.kid()).isEqualTo(key.kid());
    assertThat(back.algorithm()).isEqualTo(algorithm);
    assertThat(back.jwk().isPrivate()).isTrue();
    assertThat(back.jwk()).isEqualTo(key.jwk());
    assertThat(back.createdAt()).isEqualTo(T0);
    assertThat(back.retired()).isFalse();
  }

  @Test
  void replaceSignerRetiresTheActiveKeysAndStoresTheNext() {
    SigningKey first = GENERATOR.generate(SigningAlgorithm.ES256, T0);
    SigningKey second = GENERATOR.generate(SigningAlgorithm.ES256, T0.plusSeconds(60));
    store.replaceSigner(Set.of(), first, T0);

    assertThat(store.replaceSigner(Set.of(first.kid()), second, T0.plusSeconds(60))).isTrue();
    assertThat(store.all()).extracting(SigningKey::kid, SigningKey::retiredAt).containsExactlyInAnyOrder(
        tuple(first.kid(), T0.plusSeconds(60)),
        tuple(second.kid(), null));
  }

  @Test
  void replaceSignerWhenTheActiveKeysAreNotTheExpectedOnesThenFalseAndNothingChanges() {
    SigningKey first = GENERATOR.generate(SigningAlgorithm.ES256, T0);
    store.replaceSigner(Set.of(), first, T0);

    assertThat(store.replaceSigner(Set.of(), GENERATOR.generate(SigningAlgorithm.ES256, T0), T0)).isFalse();
    assertThat(store.replaceSigner(Set.of("someone-else"), GENERATOR.generate(SigningAlgorithm.ES256, T0), T0)).isFalse();
    assertThat(store.all()).extracting(SigningKey::kid, SigningKey::retiredAt)
        .containsExactly(tuple(first.kid(), null));
  }

  @Test
  void retireMarksTheKeyOnceAndDeleteRemovesIt() {
    SigningKey key = GENERATOR.generate(SigningAlgorithm.ES256, T0);
    store.replaceSigner(Set.of(), key, T0);
    store.retire(key.kid(), T0.plusSeconds(10));
    store.retire(key.kid(), T0.plusSeconds(20));
    assertThat(store.all().getFirst().retiredAt()).isEqualTo(T0.plusSeconds(10));
    store.delete(key.kid());
    assertThat(store.all()).isEmpty();
  }

  /** Instances starting together on an empty store: one signer, not one each. */
  @RepeatedTest(3)
  void concurrentFirstSignersLeaveExactlyOneKey() throws Exception {
    int instances = 6;
    List<SigningKey> candidates = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      candidates.add(GENERATOR.generate(SigningAlgorithm.ES256, T0));
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    int stored = 0;
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (SigningKey candidate : candidates) {
        results.add(pool.submit(() -> {
          go.await();
          return store.replaceSigner(Set.of(), candidate, T0);
        }));
      }
      go.countDown();
      for (Future<Boolean> r : results) {
        stored += r.get() ? 1 : 0;
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored).isEqualTo(1);
    assertThat(store.all()).hasSize(1);
  }
}
