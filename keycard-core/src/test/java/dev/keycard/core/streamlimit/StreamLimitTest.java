package dev.keycard.core.streamlimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamLimitTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private static PlaybackSession session(String id, int startedSecondsAgo, int seenSecondsAgo) {
    return new PlaybackSession(id, NOW.minusSeconds(startedSecondsAgo), NOW.minusSeconds(seenSecondsAgo));
  }

  @Test
  void admitWhenOffThenAdmitsWhateverIsPlaying() {
    assertThat(StreamLimit.OFF.admit("new", List.of(session("a", 5, 1), session("b", 5, 1)), NOW))
        .isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admitWhenTheWindowJustEndedThenTheSessionNoLongerCounts() {
    StreamLimit limit = new StreamLimit(1, StreamLimitPolicy.REFUSE, WINDOW);
    assertThat(limit.admit("new", List.of(session("a", 100, 30)), NOW)).isEqualTo(new Admission.Refused(1));
    assertThat(limit.admit("new", List.of(session("a", 100, 31)), NOW)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admitWhenEvictingSeveralOverTheLimitThenEvictsEnoughOldestFirst() {
    StreamLimit limit = new StreamLimit(1, StreamLimitPolicy.EVICT_OLDEST, WINDOW);
    var sessions = List.of(session("b", 50, 1), session("a", 90, 1), session("c", 10, 1), session("idle", 200, 60));
    assertThat(limit.admit("new", sessions, NOW)).isEqualTo(new Admission.Admitted(List.of("a", "b", "c")));
  }

  @Test
  void newWhenMisconfiguredThenThrowsNamingTheSetting() {
    assertThatThrownBy(() -> new StreamLimit(-1, StreamLimitPolicy.REFUSE, WINDOW)).hasMessageContaining("negative");
    assertThatThrownBy(() -> new StreamLimit(1, StreamLimitPolicy.REFUSE, Duration.ZERO)).hasMessageContaining("idle");
    assertThatThrownBy(() -> StreamLimitPolicy.parse("kick")).hasMessageContaining("refuse or evict-oldest");
    assertThat(StreamLimitPolicy.parse("evict-oldest")).isEqualTo(StreamLimitPolicy.EVICT_OLDEST);
  }
}
