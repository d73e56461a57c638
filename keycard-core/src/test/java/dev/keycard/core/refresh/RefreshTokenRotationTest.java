package dev.keycard.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.testing.InMemoryRefreshTokenStore;
import dev.keycard.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RefreshTokenRotationTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();
  private final Secrets secrets = new Secrets(new SecureRandom());

  private RefreshTokenRotation rotation(Duration grace) {
    return new RefreshTokenRotation(store, secrets, clock, Duration.ofDays(14), Duration.ofDays(30), grace);
  }

  private final RefreshTokenRotation rotation = rotation(Duration.ZERO);

  @Test
  void rotateReturnsNewTokenAndKillsTheOld() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));

    Rotation r = rotation.rotate(first.value(), "keycard");

    assertThat(r).isInstanceOf(Rotation.Rotated.class);
    String second = ((Rotation.Rotated) r).next().value();
    assertThat(second).isNotEqualTo(first.value()).startsWith("kcr_");
    assertThat(rotation.activeFamily(first.value())).isEmpty();
    assertThat(rotation.activeFamily(second)).isPresent();
  }

  @Test
  void refreshWhenTokenReusedThenRevokesWholeFamily() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));
    String second = ((Rotation.Rotated) rotation.rotate(first.value(), "keycard")).next().value();

    Rotation replay = rotation.rotate(first.value(), "keycard");

    assertThat(replay).isInstanceOfSatisfying(Rotation.ReuseDetected.class,
        reuse -> assertThat(reuse.family().id()).isEqualTo(first.family().id()));
    assertThat(store.findFamily(first.family().id()).orElseThrow().revoked()).isTrue();
    assertThat(rotation.rotate(second, "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.REVOKED));
  }

  @Test
  void concurrentRefreshesWithSameTokenNeverBothSucceed() throws Exception {
    for (int round = 0; round < 20; round++) {
      IssuedRefreshToken token = rotation.start("alice", "keycard", Set.of("profile"));
      int threads = 8;
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<Rotation>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        calls.add(() -> {
          go.await();
          return rotation.rotate(token.value(), "keycard");
        });
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Rotation>> futures = new ArrayList<>();
        calls.forEach(c -> futures.add(pool.submit(c)));
        go.countDown();
        int rotated = 0;
        for (Future<Rotation> f : futures) {
          if (f.get() instanceof Rotation.Rotated) {
            rotated++;
          }
        }
        assertThat(rotated).isLessThanOrEqualTo(1);
        // The losers presented a token that had been exchanged: the family is dead, winner included.
        assertThat(store.findFamily(token.family().id()).orElseThrow().revoked()).isTrue();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void graceWindowRetryWithThePreviousTokenGetsTheSameSuccessorAgain() {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));
    String lost = ((Rotation.Rotated) lenient.rotate(first.value(), "keycard")).next().value();
    clock.advance(Duration.ofSeconds(5));

    Rotation retry = lenient.rotate(first.value(), "keycard");

    assertThat(retry).isInstanceOfSatisfying(Rotation.Rotated.class,
        r -> assertThat(r.next().value()).as("the successor whose response was lost").isEqualTo(lost));
    assertThat(lenient.activeFamily(lost)).isPresent();
    assertThat(lenient.rotate(lost, "keycard")).isInstanceOf(Rotation.Rotated.class);
  }

  /**
   * The defect of issue 6: two retries of a just-rotated token racing each other got one 200 and one
   * reuse, which revoked the session under the 200. Inside the window every retry is idempotent.
   */
  @Test
  void concurrentRetriesInsideTheGraceWindowAllGetTheSameLiveSuccessor() throws Exception {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    for (int round = 0; round < 10; round++) {
      IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));
      String lost = ((Rotation.Rotated) lenient.rotate(first.value(), "keycard")).next().value();

      List<Rotation> retries = race(8, () -> lenient.rotate(first.value(), "keycard"));

      assertThat(retries).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Rotation.Rotated.class,
          rotated -> assertThat(rotated.next().value()).isEqualTo(lost)));
      assertThat(store.findFamily(first.family().id()).orElseThrow().revoked()).isFalse();
      assertThat(lenient.activeFamily(lost)).isPresent();
    }
  }

  @Test
  void concurrentFirstUsesInsideTheGraceWindowAllGetTheSameSuccessor() throws Exception {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    for (int round = 0; round < 10; round++) {
      IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));

      List<Rotation> uses = race(8, () -> lenient.rotate(first.value(), "keycard"));

      assertThat(uses).allSatisfy(r -> assertThat(r).isInstanceOf(Rotation.Rotated.class));
      assertThat(uses.stream().map(r -> ((Rotation.Rotated) r).next().value()).distinct()).hasSize(1);
      String next = ((Rotation.Rotated) uses.get(0)).next().value();
      assertThat(lenient.activeFamily(next)).as("no 200 carries a dead token").isPresent();
    }
  }

  /**
   * An attacker replaying a stolen, already-rotated token inside the window gets nothing the client
   * does not hold: the same successor. Both then hold one token; whoever uses it second, once that
   * token's own window has passed, is reuse and ends the session for both.
   */
  @Test
  void replayOfARotatedTokenInsideTheGraceWindowYieldsOnlyTheSuccessorTheClientHolds() {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));
    String clientHolds = ((Rotation.Rotated) lenient.rotate(first.value(), "keycard")).next().value();
    clock.advance(Duration.ofSeconds(2));

    Rotation stolen = lenient.rotate(first.value(), "keycard");
    assertThat(((Rotation.Rotated) stolen).next().value()).isEqualTo(clientHolds);
    String attackerNext = ((Rotation.Rotated) lenient.rotate(clientHolds, "keycard")).next().value();
    clock.advance(Duration.ofSeconds(11));

    assertThat(lenient.rotate(clientHolds, "keycard")).isInstanceOf(Rotation.ReuseDetected.class);
    assertThat(lenient.rotate(attackerNext, "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.REVOKED));
  }

  @Test
  void aRestartedServerOnTheSameStoreGivesTheSameSuccessorInsideTheWindow() {
    // A process killed after committing a rotation, before answering: its successor, after restart,
    // must still be the token the client gets when it retries.
    IssuedRefreshToken first = rotation(Duration.ofSeconds(10)).start("alice", "keycard", Set.of("profile"));
    String committed = ((Rotation.Rotated) rotation(Duration.ofSeconds(10)).rotate(first.value(), "keycard"))
        .next().value();
    clock.advance(Duration.ofSeconds(4));
    RefreshTokenRotation restarted = new RefreshTokenRotation(store, new Secrets(new SecureRandom()), clock,
        Duration.ofDays(14), Duration.ofDays(30), Duration.ofSeconds(10));

    assertThat(restarted.rotate(first.value(), "keycard")).isInstanceOfSatisfying(Rotation.Rotated.class,
        r -> assertThat(r.next().value()).isEqualTo(committed));
  }

  @Test
  void rotateWithAScopeTheFamilyLacksIsRefusedAndLeavesTheTokenUsable() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));

    assertThat(rotation.rotate(first.value(), "keycard", Set.of("profile", "admin")))
        .isEqualTo(new Rotation.Refused(RefreshRefusal.SCOPE_NOT_GRANTED));
    assertThat(rotation.rotate(first.value(), "keycard", Set.of("profile"))).isInstanceOf(Rotation.Rotated.class);
  }

  @Test
  void reuseIsDetectedWhateverScopeIsAsked() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));
    rotation.rotate(first.value(), "keycard");

    assertThat(rotation.rotate(first.value(), "keycard", Set.of("admin"))).isInstanceOf(Rotation.ReuseDetected.class);
  }

  private static List<Rotation> race(int threads, Callable<Rotation> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Rotation>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<Rotation> out = new ArrayList<>();
      for (Future<Rotation> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void graceWindowDoesNotForgiveReuseAfterSuccessorWasUsed() {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));
    String second = ((Rotation.Rotated) lenient.rotate(first.value(), "keycard")).next().value();
    lenient.rotate(second, "keycard");

    assertThat(lenient.rotate(first.value(), "keycard")).isInstanceOf(Rotation.ReuseDetected.class);
  }

  @Test
  void graceWindowDoesNotForgiveReuseAfterItCloses() {
    RefreshTokenRotation lenient = rotation(Duration.ofSeconds(10));
    IssuedRefreshToken first = lenient.start("alice", "keycard", Set.of("profile"));
    lenient.rotate(first.value(), "keycard");
    clock.advance(Duration.ofSeconds(11));

    assertThat(lenient.rotate(first.value(), "keycard")).isInstanceOf(Rotation.ReuseDetected.class);
  }

  @Test
  void tokenUnusedForTheIdleLifetimeExpires() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));
    clock.advance(Duration.ofDays(14));

    assertThat(rotation.rotate(first.value(), "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.EXPIRED));
  }

  @Test
  void familyExpiresAtAbsoluteLifetimeHoweverOftenUsed() {
    String token = rotation.start("alice", "keycard", Set.of("profile")).value();
    for (int day = 0; day < 29; day++) {
      clock.advance(Duration.ofDays(1));
      token = ((Rotation.Rotated) rotation.rotate(token, "keycard")).next().value();
    }
    clock.advance(Duration.ofDays(1));

    assertThat(rotation.rotate(token, "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.EXPIRED));
  }

  @Test
  void tokenOfAnotherClientIsRefusedWithoutRevokingTheFamily() {
    IssuedRefreshToken first = rotation.start("alice", "keycard", Set.of("profile"));

    assertThat(rotation.rotate(first.value(), "other-client")).isEqualTo(new Rotation.Refused(RefreshRefusal.WRONG_CLIENT));
    assertThat(rotation.rotate(first.value(), "keycard")).isInstanceOf(Rotation.Rotated.class);
  }

  @Test
  void unknownAndGarbageTokensAreRefused() {
    assertThat(rotation.rotate("kcr_nope", "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.UNKNOWN));
    assertThat(rotation.rotate("x".repeat(10_000), "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.UNKNOWN));
    assertThat(rotation.rotate(null, "keycard")).isEqualTo(new Rotation.Refused(RefreshRefusal.UNKNOWN));
  }

  @Test
  void refusesGraceWindowOverSixtySeconds() {
    assertThatThrownBy(() -> rotation(Duration.ofSeconds(61))).isInstanceOf(IllegalArgumentException.class);
  }
}
