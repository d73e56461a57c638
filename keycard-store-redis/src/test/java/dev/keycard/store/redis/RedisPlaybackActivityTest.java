package dev.keycard.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.streamlimit.Admission;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.core.streamlimit.PlaybackActivityContract;
import dev.keycard.core.streamlimit.StreamLimit;
import dev.keycard.core.streamlimit.StreamLimitPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a private, real Redis, and what only a shared backend does: two instances, one count. */
class RedisPlaybackActivityTest extends PlaybackActivityContract {
  @TempDir
  Path dir;
  private RealRedis redis;

  @BeforeEach
  void redis() {
    redis = RealRedis.start(dir);
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  @Override
  protected PlaybackActivity create(StreamLimit limit, InstantSource clock) {
    return RedisPlaybackActivity.open(new RedisEndpoint(redis.url(), null), limit, Duration.ofHours(8), clock,
        Duration.ofMillis(200));
  }

  @Override
  protected void flush(PlaybackActivity activity) {
    ((RedisPlaybackActivity) activity).flush();
  }

  @Test
  void admitWhenAnotherInstancesEdgeServesTheAccountsSessionThenCountsIt() {
    StreamLimit limit = new StreamLimit(1, StreamLimitPolicy.REFUSE, WINDOW);
    try (RedisPlaybackActivity a = (RedisPlaybackActivity) create(limit, clock);
        RedisPlaybackActivity b = (RedisPlaybackActivity) create(limit, clock)) {
      assertThat(a.admit("alice", "s1")).isEqualTo(Admission.ADMITTED);
      clock.advance(WINDOW.minusSeconds(5));
      b.seen("s1"); // the viewer plays through B's edge
      b.flush();
      clock.advance(Duration.ofSeconds(20));

      assertThat(b.admit("alice", "s2")).as("started through A, served by B").isEqualTo(new Admission.Refused(1));
      assertThat(a.admit("alice", "s2")).isEqualTo(new Admission.Refused(1));
      clock.advance(Duration.ofSeconds(11));
      assertThat(b.admit("alice", "s2")).isEqualTo(Admission.ADMITTED);
      assertThat(a.admit("alice", "s1")).as("the slot is s2's now").isEqualTo(new Admission.Refused(1));
    }
  }

  @Test
  void admitWhenEvictingThroughOneInstanceThenTheOtherNoLongerCountsTheEvicted() {
    StreamLimit limit = new StreamLimit(1, StreamLimitPolicy.EVICT_OLDEST, WINDOW);
    try (RedisPlaybackActivity a = (RedisPlaybackActivity) create(limit, clock);
        RedisPlaybackActivity b = (RedisPlaybackActivity) create(limit, clock)) {
      a.admit("alice", "s1");
      clock.advance(Duration.ofSeconds(1));
      assertThat(b.admit("alice", "s2")).isEqualTo(new Admission.Admitted(List.of("s1")));
      clock.advance(Duration.ofSeconds(1));
      assertThat(a.admit("alice", "s3")).isEqualTo(new Admission.Admitted(List.of("s2")));
    }
  }

  @Test
  void admitWhenRedisIsKilledThenDecidesOnThisInstancesKnowledgeWithoutThrowing() {
    StreamLimit limit = new StreamLimit(1, StreamLimitPolicy.REFUSE, WINDOW);
    try (RedisPlaybackActivity a = (RedisPlaybackActivity) create(limit, clock);
        RedisPlaybackActivity b = (RedisPlaybackActivity) create(limit, clock)) {
      a.admit("alice", "s1");
      b.admit("bob", "s9");
      redis.kill();

      a.seen("s1");
      a.flush(); // fails quietly: the marks stay here
      assertThat(a.admit("alice", "s2")).as("A knows its own session").isEqualTo(new Admission.Refused(1));
      assertThat(b.admit("alice", "s2")).as("B never saw alice: local knowledge only").isEqualTo(Admission.ADMITTED);
      assertThat(a.activeSessions()).isEqualTo(1);
    }
  }
}
