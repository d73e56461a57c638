package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.signedurl.UrlSigningKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** What every {@link UrlKeyStore} must do. */
public abstract class UrlKeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private UrlKeyStore store;

  protected abstract UrlKeyStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private static UrlSigningKey key(String id, int fill) {
    byte[] secret = new byte[UrlSigningKey.MIN_SECRET_BYTES];
    Arrays.fill(secret, (byte) fill);
    return new UrlSigningKey(id, secret);
  }

  @Test
  void anEmptyStoreHasNoKey() {
    assertThat(store.newestFirst()).isEmpty();
  }

  @Test
  void addIfEmptyStoresTheFirstKeyWithItsSecretIntact() {
    UrlSigningKey first = key("u-first", 7);
    assertThat(store.addIfEmpty(first, T0)).isTrue();
    assertThat(store.newestFirst()).containsExactly(first);
    assertThat(store.newestFirst().getFirst().secret()).isEqualTo(first.secret());
  }

  @Test
  void addIfEmptyWhenAKeyIsStoredThenFalseAndTheFirstStays() {
    UrlSigningKey first = key("u-first", 7);
    store.addIfEmpty(first, T0);
    assertThat(store.addIfEmpty(key("u-second", 9), T0.plusSeconds(1))).isFalse();
    assertThat(store.newestFirst()).containsExactly(first);
  }

  /** Instances starting together on an empty store: one key, so every instance verifies every URL. */
  @RepeatedTest(5)
  void concurrentFirstKeysLeaveExactlyOne() throws Exception {
    int instances = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    int stored = 0;
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        UrlSigningKey candidate = key("u-" + i, i);
        results.add(pool.submit(() -> {
          go.await();
          return store.addIfEmpty(candidate, T0);
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
    assertThat(store.newestFirst()).hasSize(1);
  }
}
