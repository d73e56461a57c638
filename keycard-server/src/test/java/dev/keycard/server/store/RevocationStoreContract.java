package dev.keycard.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.revocation.RevocationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** What every {@link RevocationStore} must do. */
public abstract class RevocationStoreContract {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private RevocationStore store;

  protected abstract RevocationStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @Test
  void activeListsEntriesStillInForce() {
    store.save("jti-1", NOW.plus(Duration.ofMinutes(5)));
    store.save("sid-1", NOW.minusSeconds(1));
    assertThat(store.active(NOW)).isEqualTo(Map.of("jti-1", NOW.plus(Duration.ofMinutes(5))));
  }

  @Test
  void savingTwiceKeepsTheLaterExpiry() {
    store.save("jti", NOW.plusSeconds(100));
    store.save("jti", NOW.plusSeconds(50));
    assertThat(store.active(NOW)).containsEntry("jti", NOW.plusSeconds(100));
    store.save("jti", NOW.plusSeconds(200));
    assertThat(store.active(NOW)).containsEntry("jti", NOW.plusSeconds(200));
  }

  @RepeatedTest(5)
  void concurrentSavesOfTheSameIdAllSucceed() throws Exception {
    int writers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        Instant until = NOW.plusSeconds(100 + i);
        done.add(pool.submit(() -> {
          go.await();
          store.save("sid-raced", until);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.active(NOW)).containsEntry("sid-raced", NOW.plusSeconds(100 + writers - 1));
  }

  @Test
  void purgeExpiredDeletesOnlyExpiredEntries() {
    store.save("old", NOW.minusSeconds(10));
    store.save("new", NOW.plusSeconds(10));
    assertThat(store.purgeExpired(NOW)).isEqualTo(1);
    assertThat(store.active(NOW.minusSeconds(60))).containsOnlyKeys("new");
  }
}
