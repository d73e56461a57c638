package dev.keycard.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionActivityTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final SessionActivity activity = new SessionActivity(clock, Duration.ofDays(14), 1000);

  @Test
  void usedRemembersTheLatestUseAndAddress() {
    activity.used("sid-1", "192.0.2.1");
    clock.advance(Duration.ofMinutes(3));
    Instant second = clock.instant();
    activity.used("sid-1", "198.51.100.7");

    SessionActivity.Seen seen = activity.of("sid-1").orElseThrow();
    assertThat(seen.lastUsed()).isEqualTo(second);
    assertThat(seen.lastClientIp()).isEqualTo("198.51.100.7");
    assertThat(activity.of("sid-2")).isEmpty();
  }

  @Test
  void usesWithinASecondFromOneAddressAreRecordedOnceButANewAddressAtOnce() {
    Instant first = clock.instant();
    activity.used("sid-1", "192.0.2.1");
    clock.advance(Duration.ofMillis(500));
    activity.used("sid-1", "192.0.2.1");
    assertThat(activity.of("sid-1").orElseThrow().lastUsed()).isEqualTo(first);

    activity.used("sid-1", "192.0.2.9");
    assertThat(activity.of("sid-1").orElseThrow().lastClientIp()).isEqualTo("192.0.2.9");
    assertThat(activity.of("sid-1").orElseThrow().lastUsed()).isEqualTo(clock.instant());

    clock.advance(Duration.ofMillis(1000));
    activity.used("sid-1", "192.0.2.9");
    assertThat(activity.of("sid-1").orElseThrow().lastUsed()).isEqualTo(clock.instant());
  }

  @Test
  void aSessionUnusedForTheIdleLifetimeIsForgotten() {
    activity.used("sid-1", "192.0.2.1");
    clock.advance(Duration.ofDays(14).plusSeconds(1));
    assertThat(activity.of("sid-1")).isEmpty();
  }

  @Test
  void pruneFreesTheSessionsIdleForTheIdleLifetimeAndKeepsTheOthers() {
    activity.used("sid-idle", "192.0.2.1");
    activity.streamStarted("sid-watching", "demo", clock.instant().plus(Duration.ofDays(30)));
    clock.advance(Duration.ofDays(14).minusSeconds(1));
    activity.used("sid-busy", "192.0.2.2");
    clock.advance(Duration.ofSeconds(2));

    activity.prune();

    assertThat(activity.remembered()).isEqualTo(1);
    assertThat(activity.of("sid-busy")).isPresent();
    assertThat(activity.of("sid-idle")).isEmpty();
    assertThat(activity.of("sid-watching")).isEmpty();
  }

  @Test
  void activeStreamsAreThoseWhosePlaybackMayStillRun() {
    activity.used("sid-1", "192.0.2.1");
    activity.streamStarted("sid-1", "demo", clock.instant().plus(Duration.ofHours(8)));
    activity.streamStarted("sid-1", "short", clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(activity.of("sid-1").orElseThrow().activeStreams())
        .extracting(SessionActivity.ActiveStream::streamId).containsExactly("demo", "short");

    clock.advance(Duration.ofMinutes(6));

    assertThat(activity.of("sid-1").orElseThrow().activeStreams())
        .extracting(SessionActivity.ActiveStream::streamId).containsExactly("demo");
  }

  @Test
  void startingTheSameStreamAgainCountsOnce() {
    activity.streamStarted("sid-1", "demo", clock.instant().plus(Duration.ofHours(8)));
    activity.streamStarted("sid-1", "demo", clock.instant().plus(Duration.ofHours(8)));
    assertThat(activity.of("sid-1").orElseThrow().activeStreams()).hasSize(1);
  }

  @Test
  void streamsPerSessionAreBounded() {
    for (int i = 0; i < 100; i++) {
      activity.streamStarted("sid-1", "s" + i, clock.instant().plus(Duration.ofHours(1)));
    }
    assertThat(activity.of("sid-1").orElseThrow().activeStreams()).hasSize(SessionActivity.MAX_STREAMS_PER_SESSION)
        .last().extracting(SessionActivity.ActiveStream::streamId).isEqualTo("s99");
  }

  @Test
  void forgetDropsTheSession() {
    activity.used("sid-1", "192.0.2.1");
    activity.forget("sid-1");
    assertThat(activity.of("sid-1")).isEmpty();
  }

  @Test
  void recentListsTheSessionsUsedWithinTheWindowNewestFirstWithTheirSubjectsAndStreamViewers() {
    activity.used("sid-old", "ana", "192.0.2.1");
    clock.advance(Duration.ofMinutes(10));
    activity.used("sid-a", "ben", "192.0.2.2");
    activity.streamStarted("sid-a", "demo", clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofSeconds(5));
    activity.used("sid-b", "cai", "192.0.2.3");
    activity.streamStarted("sid-b", "demo", clock.instant().plus(Duration.ofHours(1)));
    activity.streamStarted("sid-b", "cam1", clock.instant().plus(Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(2));

    SessionActivity.Recent recent = activity.recent(Duration.ofMinutes(5), 1);

    assertThat(recent.active()).isEqualTo(2);
    assertThat(recent.sessions()).singleElement().satisfies(r -> {
      assertThat(r.sessionId()).isEqualTo("sid-b");
      assertThat(r.subject()).isEqualTo("cai");
      assertThat(r.seen().lastClientIp()).isEqualTo("192.0.2.3");
    });
    // cam1's playback session has ended; the old session's demo start never happened.
    assertThat(recent.streamViewers()).containsExactly(java.util.Map.entry("demo", 2));
  }

  @Test
  void theDeviceASessionSignedInFromIsKeptShortAndShown() {
    activity.signedInFrom("sid-1", "Mozilla/5.0 (X11; Linux x86_64) " + "x".repeat(500));
    activity.used("sid-1", "192.0.2.1");
    activity.signedInFrom("sid-2", null);

    assertThat(activity.of("sid-1").orElseThrow().device()).startsWith("Mozilla/5.0 (X11; Linux x86_64)")
        .hasSize(SessionActivity.MAX_DEVICE_LENGTH);
    assertThat(activity.of("sid-2")).isEmpty();
  }
}
