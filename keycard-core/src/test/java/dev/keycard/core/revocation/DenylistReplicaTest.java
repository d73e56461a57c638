package dev.keycard.core.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.StoreUnavailableException;
import dev.keycard.core.testing.InMemoryRevocationStore;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Two replicas on one store stand for two instances on one database. */
class DenylistReplicaTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryRevocationStore store = new InMemoryRevocationStore();
  private final DenylistReplica a = new DenylistReplica(store, clock);
  private final DenylistReplica b = new DenylistReplica(store, clock);

  private Instant in(Duration d) {
    return clock.instant().plus(d);
  }

  @Test
  void revokeTakesEffectAtOnceHereAndOnTheOtherInstanceAtItsNextCatchUp() {
    a.revoke("sid-1", in(Duration.ofMinutes(15)));

    assertThat(a.isRevoked("sid-1")).isTrue();
    assertThat(b.isRevoked("sid-1")).isFalse();
    assertThat(b.catchUp()).isEqualTo(1);
    assertThat(b.isRevoked("sid-1")).isTrue();
  }

  @Test
  void catchUpAtStartReadsTheWholeListPageByPage() {
    for (int i = 0; i < 7; i++) {
      a.revoke("jti-" + i, in(Duration.ofMinutes(15)));
    }
    DenylistReplica restarted = new DenylistReplica(store, clock, 3);

    assertThat(restarted.catchUp()).isEqualTo(7);
    assertThat(restarted.isRevoked("jti-0")).isTrue();
    assertThat(restarted.isRevoked("jti-6")).isTrue();
    assertThat(restarted.lastSequence()).isEqualTo(store.revokedAfter(0, 100).getLast().sequence());
    assertThat(restarted.catchUp()).isZero();
  }

  @Test
  void catchUpReadsOnlyWhatWasSavedAfterTheLastEntrySeen() {
    a.revoke("jti-1", in(Duration.ofMinutes(15)));
    b.catchUp();
    long seen = b.lastSequence();
    a.revoke("jti-2", in(Duration.ofMinutes(15)));

    assertThat(b.catchUp()).isEqualTo(1);
    assertThat(b.lastSequence()).isGreaterThan(seen);
  }

  @Test
  void anIdRevokedAgainKeepsItsLatestExpiry() {
    a.revoke("sid", in(Duration.ofMinutes(1)));
    a.revoke("sid", in(Duration.ofHours(8)));
    b.catchUp();
    clock.advance(Duration.ofMinutes(2));

    assertThat(b.isRevoked("sid")).isTrue();
  }

  @Test
  void entriesThatHaveExpiredAreNotKept() {
    a.revoke("jti-old", in(Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(11));

    assertThat(b.catchUp()).isEqualTo(1);
    assertThat(b.isRevoked("jti-old")).isFalse();
    assertThat(b.size()).isZero();
  }

  @Test
  void lastCatchUpIsWhenTheLastSuccessfulOneBegan() {
    assertThat(b.lastCatchUp()).isEmpty();
    Instant started = clock.instant();
    b.catchUp();
    clock.advance(Duration.ofSeconds(5));

    assertThat(b.lastCatchUp()).contains(started);
  }

  @Test
  void aStoreFailingPartWayKeepsWhatWasReadAndTheNextCatchUpGoesOnFromThere() {
    for (int i = 0; i < 4; i++) {
      a.revoke("jti-" + i, in(Duration.ofMinutes(15)));
    }
    AtomicBoolean failSecondPage = new AtomicBoolean(true);
    RevocationStore flaky = new RevocationStore() {
      @Override
      public void save(String id, Instant until) {
        store.save(id, until);
      }

      @Override
      public List<Revocation> revokedAfter(long sequence, int max) {
        if (sequence > 0 && failSecondPage.getAndSet(false)) {
          throw new StoreUnavailableException("down", null);
        }
        return store.revokedAfter(sequence, max);
      }

      @Override
      public int purgeExpired(Instant before) {
        return store.purgeExpired(before);
      }
    };
    DenylistReplica replica = new DenylistReplica(flaky, clock, 2);

    assertThatThrownBy(replica::catchUp).isInstanceOf(StoreUnavailableException.class);
    assertThat(replica.isRevoked("jti-1")).isTrue();
    assertThat(replica.isRevoked("jti-2")).isFalse();
    assertThat(replica.lastCatchUp()).isEmpty();

    assertThat(replica.catchUp()).isEqualTo(2);
    assertThat(replica.isRevoked("jti-3")).isTrue();
    assertThat(replica.lastCatchUp()).isPresent();
  }

  @Test
  void revokeWhenTheStoreIsDownThenNothingTakesEffect() {
    RevocationStore down = new RevocationStore() {
      @Override
      public void save(String id, Instant until) {
        throw new StoreUnavailableException("down", null);
      }

      @Override
      public List<Revocation> revokedAfter(long sequence, int max) {
        throw new StoreUnavailableException("down", null);
      }

      @Override
      public int purgeExpired(Instant before) {
        return 0;
      }
    };
    DenylistReplica replica = new DenylistReplica(down, clock);

    assertThatThrownBy(() -> replica.revoke("jti", in(Duration.ofMinutes(1)))).isInstanceOf(StoreUnavailableException.class);
    assertThat(replica.isRevoked("jti")).isFalse();
  }
}
