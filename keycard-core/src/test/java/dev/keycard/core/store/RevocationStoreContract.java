package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RevocationStore} must do: keep entries under growing sequence numbers and hand
 * out everything after a given one, so that an instance catching up never misses an entry.
 */
public abstract class RevocationStoreContract {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");
  private RevocationStore store;

  protected abstract RevocationStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private List<Revocation> all() {
    return store.revokedAfter(0, 1_000);
  }

  @Test
  void revokedAfterZeroListsEveryEntryInTheOrderSavedWithTheExpiryIntact() {
    store.save("jti-1", NOW.plus(Duration.ofMinutes(5)));
    store.save("sid-1", NOW.plus(Duration.ofHours(8)));
    store.save("jti-2", NOW.plusSeconds(1));

    List<Revocation> entries = all();
    assertThat(entries).extracting(Revocation::id).containsExactly("jti-1", "sid-1", "jti-2");
    assertThat(entries).extracting(Revocation::until)
        .containsExactly(NOW.plus(Duration.ofMinutes(5)), NOW.plus(Duration.ofHours(8)), NOW.plusSeconds(1));
    assertThat(entries.get(0).sequence()).isPositive().isLessThan(entries.get(1).sequence());
    assertThat(entries.get(1).sequence()).isLessThan(entries.get(2).sequence());
  }

  @Test
  void revokedAfterASequenceListsOnlyTheEntriesSavedLater() {
    store.save("a", NOW);
    store.save("b", NOW);
    long seenB = all().get(1).sequence();
    store.save("c", NOW);

    assertThat(store.revokedAfter(seenB, 1_000)).extracting(Revocation::id).containsExactly("c");
    assertThat(store.revokedAfter(all().get(2).sequence(), 1_000)).isEmpty();
  }

  @Test
  void revokedAfterReturnsAtMostMaxEntriesSoACatchUpReadsInPages() {
    for (int i = 0; i < 5; i++) {
      store.save("id-" + i, NOW);
    }
    List<Revocation> first = store.revokedAfter(0, 2);
    List<Revocation> second = store.revokedAfter(first.get(1).sequence(), 2);
    List<Revocation> third = store.revokedAfter(second.get(1).sequence(), 2);

    assertThat(first).extracting(Revocation::id).containsExactly("id-0", "id-1");
    assertThat(second).extracting(Revocation::id).containsExactly("id-2", "id-3");
    assertThat(third).extracting(Revocation::id).containsExactly("id-4");
  }

  @Test
  void savingAnIdAgainAddsALaterEntryWithTheNewExpiry() {
    store.save("jti", NOW.plusSeconds(100));
    store.save("jti", NOW.plusSeconds(200));

    assertThat(all()).extracting(Revocation::id, Revocation::until)
        .containsExactly(tuple("jti", NOW.plusSeconds(100)),
            tuple("jti", NOW.plusSeconds(200)));
  }

  /** A reused refresh token raced by several requests revokes its session several times at once. */
  @RepeatedTest(3)
  void concurrentSavesOfTheSameIdAllSucceedUnderDistinctSequences() throws Exception {
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
    List<Revocation> entries = all();
    assertThat(entries).hasSize(writers);
    assertThat(entries).extracting(Revocation::sequence).doesNotHaveDuplicates().isSorted();
  }

  /**
   * The reason for the sequence: an instance reading "everything after the last one I saw" while
   * others write must miss nothing, even when writers draw numbers and commit in different orders.
   */
  @RepeatedTest(3)
  void aReaderFollowingConcurrentWritersBySequenceMissesNoEntry() throws Exception {
    int writers = 4;
    int perWriter = 60;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String prefix = "w" + w + "-";
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perWriter; i++) {
            store.save(prefix + i, NOW);
          }
          return null;
        }));
      }
      Future<Set<String>> reader = pool.submit(() -> {
        Set<String> seen = new HashSet<>();
        long last = 0;
        go.await();
        boolean more = true;
        while (more) {
          more = writing.get(); // read once more after the writers are done
          List<Revocation> page;
          do {
            page = store.revokedAfter(last, 7);
            for (Revocation r : page) {
              assertThat(r.sequence()).isGreaterThan(last);
              last = r.sequence();
              seen.add(r.id());
            }
          } while (!page.isEmpty());
        }
        return seen;
      });
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(60, TimeUnit.SECONDS)).hasSize(writers * perWriter);
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  @Test
  void purgeExpiredDeletesOnlyExpiredEntries() {
    store.save("old", NOW.minusSeconds(10));
    store.save("new", NOW.plusSeconds(10));

    assertThat(store.purgeExpired(NOW)).isEqualTo(1);
    assertThat(all()).extracting(Revocation::id).containsExactly("new");
  }

  /** A reader's position stays valid across purges: numbers are never handed out twice. */
  @Test
  void sequencesKeepGrowingAfterTheNewestEntryWasPurged() {
    store.save("a", NOW.minusSeconds(10));
    long a = all().getFirst().sequence();
    assertThat(store.purgeExpired(NOW)).isEqualTo(1);

    store.save("b", NOW.plusSeconds(10));
    assertThat(store.revokedAfter(a, 10)).extracting(Revocation::id).containsExactly("b");
  }
}
