package dev.keycard.core.streamlimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PlaybackActivity} backend does, on a moved clock: extended once per backend
 * (in memory here, Redis in keycard-store-redis).
 */
public abstract class PlaybackActivityContract {
  protected static final Duration WINDOW = Duration.ofSeconds(30);
  protected final MutableClock clock = MutableClock.atFixedStart();
  private final List<PlaybackActivity> made = new ArrayList<>();

  /** A fresh backend (its own empty state) deciding with {@code limit} on {@code clock}. */
  protected abstract PlaybackActivity create(StreamLimit limit, InstantSource clock);

  /** Makes the edge marks noted so far visible to {@link PlaybackActivity#admit} (a backend that batches them). */
  protected void flush(PlaybackActivity activity) {
  }

  private PlaybackActivity activity(int max, StreamLimitPolicy policy) {
    PlaybackActivity a = create(new StreamLimit(max, policy, WINDOW), clock);
    made.add(a);
    return a;
  }

  @AfterEach
  void closeAll() {
    made.forEach(PlaybackActivity::close);
  }

  @Test
  void admitWhenUnderTheLimitThenAdmitsAndBeyondItThenRefusesCountingTheOthers() {
    PlaybackActivity activity = activity(2, StreamLimitPolicy.REFUSE);

    assertThat(activity.admit("alice", "s1")).isEqualTo(Admission.ADMITTED);
    assertThat(activity.admit("alice", "s2")).isEqualTo(Admission.ADMITTED);
    assertThat(activity.admit("alice", "s3")).isEqualTo(new Admission.Refused(2));
    assertThat(activity.admit("bob", "s4")).as("another account has its own count").isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admitWhenTheSameSessionStartsAgainThenAdmitsItWithoutCountingItTwice() {
    PlaybackActivity activity = activity(1, StreamLimitPolicy.REFUSE);

    assertThat(activity.admit("alice", "s1")).isEqualTo(Admission.ADMITTED);
    clock.advance(Duration.ofSeconds(10));
    assertThat(activity.admit("alice", "s1")).isEqualTo(Admission.ADMITTED);
    assertThat(activity.admit("alice", "s2")).isEqualTo(new Admission.Refused(1));
  }

  @Test
  void admitWhenTheOtherSessionWasIdleForLongerThanTheWindowThenAdmits() {
    PlaybackActivity activity = activity(1, StreamLimitPolicy.REFUSE);
    activity.admit("alice", "s1");

    clock.advance(WINDOW.minusSeconds(1));
    assertThat(activity.admit("alice", "s2")).isEqualTo(new Admission.Refused(1));
    clock.advance(Duration.ofSeconds(2));
    assertThat(activity.admit("alice", "s2")).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admitWhenAnEdgeKeepsServingTheOtherSessionThenKeepsRefusing() {
    PlaybackActivity activity = activity(1, StreamLimitPolicy.REFUSE);
    activity.admit("alice", "s1");
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(20));
      activity.seen("s1");
    }
    flush(activity);

    clock.advance(Duration.ofSeconds(20));
    assertThat(activity.admit("alice", "s2")).isEqualTo(new Admission.Refused(1));
    clock.advance(Duration.ofSeconds(11));
    assertThat(activity.admit("alice", "s2")).as("no request for longer than the window").isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admitWhenThePolicyEvictsThenNamesTheOldestActiveSessionsAndForgetsThem() {
    PlaybackActivity activity = activity(2, StreamLimitPolicy.EVICT_OLDEST);
    activity.admit("alice", "s1");
    clock.advance(Duration.ofSeconds(1));
    activity.admit("alice", "s2");
    clock.advance(Duration.ofSeconds(1));
    activity.seen("s1"); // served later than s2: still the oldest by its start
    flush(activity);

    assertThat(activity.admit("alice", "s3")).isEqualTo(new Admission.Admitted(List.of("s1")));
    clock.advance(Duration.ofSeconds(1));
    assertThat(activity.admit("alice", "s4")).isEqualTo(new Admission.Admitted(List.of("s2")));
  }

  @Test
  void activeSessionsCountsTheSessionsThisEdgeServedWithinTheWindow() {
    PlaybackActivity activity = activity(1, StreamLimitPolicy.REFUSE);
    activity.seen("s1");
    activity.seen("s2");
    activity.seen("s1");
    assertThat(activity.activeSessions()).isEqualTo(2);

    clock.advance(WINDOW.plusSeconds(1));
    activity.seen("s3");
    activity.prune();
    assertThat(activity.activeSessions()).isEqualTo(1);
  }
}
