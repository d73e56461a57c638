package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRecord;
import dev.keycard.core.refresh.RefreshTokenRecord.State;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.refresh.TokenInFamily;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** What every {@link RefreshTokenStore} must do; rotation is a compare-and-set. */
public abstract class RefreshTokenStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final Instant IDLE = T0.plus(Duration.ofDays(14));
  private static final Instant ABSOLUTE = T0.plus(Duration.ofDays(30));
  private RefreshTokenStore store;

  protected abstract RefreshTokenStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private RefreshTokenFamily family(String id, String subject) {
    return new RefreshTokenFamily(id, subject, "web", Set.of("stream:view"), T0, ABSOLUTE, null);
  }

  private RefreshTokenFamily create(String id, String subject, String firstHash) {
    RefreshTokenFamily f = family(id, subject);
    store.createFamily(f, RefreshTokenRecord.active(firstHash, id, T0, IDLE));
    return f;
  }

  @Test
  void createFamilyStoresFamilyAndFirstToken() {
    RefreshTokenFamily f = create("fam-1", "alice", "h1");
    assertThat(store.findFamily("fam-1")).contains(f);
    assertThat(store.findToken("h1")).contains(RefreshTokenRecord.active("h1", "fam-1", T0, IDLE));
  }

  @Test
  void familiesOfListsASubjectsSessionsOldestFirstRevokedIncluded() {
    RefreshTokenFamily first = create("fam-a", "alice", "ha");
    RefreshTokenFamily later = new RefreshTokenFamily("fam-b", "alice", "web", Set.of("stream:view"),
        T0.plusSeconds(60), ABSOLUTE, null);
    store.createFamily(later, RefreshTokenRecord.active("hb", "fam-b", T0.plusSeconds(60), IDLE));
    create("fam-c", "bob", "hc");
    store.revokeFamily("fam-a", T0.plusSeconds(90));

    assertThat(store.familiesOf("alice")).extracting(RefreshTokenFamily::id).containsExactly("fam-a", "fam-b");
    assertThat(store.familiesOf("alice").get(0).revokedAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(store.familiesOf("alice").get(1)).isEqualTo(later);
    assertThat(store.familiesOf("nobody")).isEmpty();
    assertThat(first.id()).isEqualTo("fam-a");
  }

  @Test
  void familiesOfForgetsPurgedFamilies() {
    create("fam-old", "alice", "h-old");
    store.purgeExpired(ABSOLUTE.plusSeconds(1));
    assertThat(store.familiesOf("alice")).isEmpty();
  }

  @Test
  void findWhenUnknownThenEmpty() {
    assertThat(store.findToken("nope")).isEmpty();
    assertThat(store.findFamily("nope")).isEmpty();
    assertThat(store.findTokenInFamily("nope")).isEmpty();
  }

  @Test
  void findTokenInFamilyReturnsTheTokenAsStoredWithItsFamily() {
    RefreshTokenFamily f = create("fam", "alice", "h1");
    Instant at = T0.plusSeconds(60);
    RefreshTokenRecord next = RefreshTokenRecord.active("h2", "fam", at, at.plus(Duration.ofDays(14)));
    store.rotate("h1", next, at);
    store.revokeFamily("fam", at);

    TokenInFamily found = store.findTokenInFamily("h1").orElseThrow();
    assertThat(found.token()).isEqualTo(store.findToken("h1").orElseThrow());
    assertThat(found.family()).isEqualTo(store.findFamily("fam").orElseThrow());
    assertThat(found.family().revokedAt()).isEqualTo(at);
    assertThat(store.findTokenInFamily("h2").orElseThrow().token().state()).isEqualTo(State.REVOKED);
    assertThat(f.id()).isEqualTo(found.family().id());
  }

  @Test
  void rotateMarksThePresentedTokenAndStoresTheSuccessor() {
    create("fam", "alice", "h1");
    Instant at = T0.plusSeconds(60);
    RefreshTokenRecord next = RefreshTokenRecord.active("h2", "fam", at, at.plus(Duration.ofDays(14)));
    assertThat(store.rotate("h1", next, at)).isTrue();
    assertThat(store.findToken("h1")).contains(new RefreshTokenRecord("h1", "fam", State.ROTATED, T0, IDLE, at, "h2"));
    assertThat(store.findToken("h2")).contains(next);
  }

  @Test
  void rotateWhenAlreadyRotatedThenFalseAndNothingStored() {
    create("fam", "alice", "h1");
    assertThat(store.rotate("h1", RefreshTokenRecord.active("h2", "fam", T0, IDLE), T0)).isTrue();
    assertThat(store.rotate("h1", RefreshTokenRecord.active("h3", "fam", T0, IDLE), T0)).isFalse();
    assertThat(store.findToken("h3")).isEmpty();
    assertThat(store.findToken("h1").orElseThrow().successorHash()).isEqualTo("h2");
  }

  @Test
  void rotateWhenUnknownThenFalse() {
    create("fam", "alice", "h1");
    assertThat(store.rotate("unknown", RefreshTokenRecord.active("h2", "fam", T0, IDLE), T0)).isFalse();
    assertThat(store.findToken("h2")).isEmpty();
  }

  @Test
  void revokeFamilyRevokesEveryTokenAndCannotBeRotatedAfterwards() {
    create("fam", "alice", "h1");
    store.rotate("h1", RefreshTokenRecord.active("h2", "fam", T0, IDLE), T0);
    Instant at = T0.plusSeconds(5);
    assertThat(store.revokeFamily("fam", at)).isTrue();
    assertThat(store.revokeFamily("fam", at.plusSeconds(1))).isFalse();
    assertThat(store.findFamily("fam").orElseThrow().revokedAt()).isEqualTo(at);
    assertThat(store.findToken("h1").orElseThrow().state()).isEqualTo(State.REVOKED);
    assertThat(store.findToken("h2").orElseThrow().state()).isEqualTo(State.REVOKED);
    assertThat(store.rotate("h2", RefreshTokenRecord.active("h3", "fam", T0, IDLE), T0)).isFalse();
  }

  @Test
  void revokeFamilyWhenUnknownThenFalse() {
    assertThat(store.revokeFamily("nope", T0)).isFalse();
  }

  @Test
  void purgeExpiredDeletesFamiliesAndTheirTokens() {
    create("keep", "alice", "hk");
    store.createFamily(new RefreshTokenFamily("old", "alice", "web", Set.of(), T0, T0.plusSeconds(1), null),
        RefreshTokenRecord.active("ho", "old", T0, T0.plusSeconds(1)));
    assertThat(store.purgeExpired(T0.plusSeconds(2))).isEqualTo(1);
    assertThat(store.findFamily("old")).isEmpty();
    assertThat(store.findToken("ho")).isEmpty();
    assertThat(store.findToken("hk")).isPresent();
  }

  @Test
  void successorKeyIsTheFirstCandidateStoredAndTheSameForEveryLaterCaller() {
    byte[] first = new byte[32];
    Arrays.fill(first, (byte) 7);
    byte[] second = new byte[32];
    Arrays.fill(second, (byte) 9);

    assertThat(store.successorKey(first, T0)).isEqualTo(first);
    assertThat(store.successorKey(second, T0.plusSeconds(1))).isEqualTo(first);
  }

  /** Processes starting together on one store must agree on the key, or retries would get other successors. */
  @RepeatedTest(3)
  void concurrentCallersAllGetTheSameSuccessorKey() throws Exception {
    int callers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<byte[]>> keys = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        byte[] candidate = new byte[32];
        Arrays.fill(candidate, (byte) i);
        keys.add(pool.submit(() -> {
          start.await();
          return store.successorKey(candidate, T0);
        }));
      }
      start.countDown();
      byte[] agreed = keys.get(0).get();
      for (Future<byte[]> k : keys) {
        assertThat(k.get()).isEqualTo(agreed);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Two clients racing with one stolen-and-replayed token: at most one may get a successor. */
  @RepeatedTest(5)
  void concurrentRotationsOfTheSameTokenNeverBothSucceed() throws Exception {
    create("fam", "alice", "h0");
    int racers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        String successor = "succ-" + i;
        Callable<Boolean> race = () -> {
          start.await();
          return store.rotate("h0", RefreshTokenRecord.active(successor, "fam", T0, IDLE), T0);
        };
        results.add(pool.submit(race));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> r : results) {
        wins += r.get() ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
      String winner = store.findToken("h0").orElseThrow().successorHash();
      for (int i = 0; i < racers; i++) {
        assertThat(store.findToken("succ-" + i).isPresent()).isEqualTo(("succ-" + i).equals(winner));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
