package dev.keycard.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long the segment URLs of a rewritten playlist live. */
class SegmentUrlLifeTest {

  @Test
  void threeTargetDurationsBetweenTwentySecondsAndTwoMinutes() {
    assertThat(PlaybackRules.segmentUrlLife("#EXTM3U\n#EXT-X-TARGETDURATION:2\n")).isEqualTo(Duration.ofSeconds(20));
    assertThat(PlaybackRules.segmentUrlLife("#EXTM3U\n#EXT-X-TARGETDURATION:10\n")).isEqualTo(Duration.ofSeconds(30));
    assertThat(PlaybackRules.segmentUrlLife("#EXTM3U\n#EXT-X-TARGETDURATION:60\n")).isEqualTo(Duration.ofMinutes(2));
    assertThat(PlaybackRules.segmentUrlLife("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n")).isEqualTo(Duration.ofSeconds(20));
    assertThat(PlaybackRules.segmentUrlLife("#EXTM3U\n#EXT-X-TARGETDURATION:99999999999\n")).isEqualTo(Duration.ofMinutes(2));
  }
}
