package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.Media;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin's per-stream window: what it keeps, what it drops, when it says offline. */
class LiveStreamTest {
  private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
  private final List<String> changed = new ArrayList<>();
  private final LiveStream stream = new LiveStream(changed::add);

  @Test
  void keepsListedSegmentsPlusASmallMarginHoweverLongTheEncoderRuns() {
    for (int i = 0; i < 1_000; i++) {
      stream.put("seg-" + i + ".ts", MediaType.MPEG_TS, Buffer.buffer(Media.ts(5, i)), T0);
      stream.put("index.m3u8", MediaType.PLAYLIST, Buffer.buffer(Media.livePlaylist(Math.max(0, i - 5), Math.min(i + 1, 6))), T0);
    }

    assertThat(stream.segmentCount()).isEqualTo(6 + LiveStream.MARGIN);
    assertThat(stream.bytes()).isEqualTo((6 + LiveStream.MARGIN) * 5L * 188);
    assertThat(stream.read("seg-999.ts", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("seg-994.ts", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("seg-991.ts", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("seg-990.ts", T0)).isEqualTo(OriginReply.NOT_FOUND);
    assertThat(changed).contains("seg-0.ts", "seg-990.ts");
  }

  @Test
  void capsSegmentCountWhenThePlaylistNamesEverySegmentItEverHad() {
    StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
    for (int i = 0; i < 200; i++) {
      stream.put("seg-" + i + ".ts", MediaType.MPEG_TS, Buffer.buffer(Media.ts(1, i)), T0);
      playlist.append("#EXTINF:2,\nseg-").append(i).append(".ts\n");
      stream.put("index.m3u8", MediaType.PLAYLIST, Buffer.buffer(playlist.toString()), T0);
    }

    assertThat(stream.segmentCount()).isEqualTo(LiveStream.MAX_SEGMENTS);
    assertThat(stream.read("seg-199.ts", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("seg-0.ts", T0)).isEqualTo(OriginReply.NOT_FOUND);
  }

  @Test
  void capsSegmentBytes() {
    stream.put("index.m3u8", MediaType.PLAYLIST, Buffer.buffer(Media.livePlaylist(0, 1)), T0);
    byte[] big = Media.ts(16 * 1024 * 1024 / 188 * 2, 1); // about 32 MiB
    for (int i = 0; i < 10; i++) {
      stream.put("big-" + i + ".ts", MediaType.MPEG_TS, Buffer.buffer(big), T0);
    }

    assertThat(stream.bytes()).isLessThanOrEqualTo(LiveStream.MAX_BYTES);
    assertThat(stream.read("big-9.ts", T0)).isInstanceOf(OriginReply.Found.class);
  }

  @Test
  void isOfflineUntilTheFirstPlaylistAndAfterThreeTargetDurationsWithoutOne() {
    stream.put("seg-0.ts", MediaType.MPEG_TS, Buffer.buffer(Media.ts(1, 0)), T0);
    assertThat(stream.read("seg-0.ts", T0)).isEqualTo(OriginReply.OFFLINE);

    stream.put("index.m3u8", MediaType.PLAYLIST,
        Buffer.buffer("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-0.ts\n"), T0);

    assertThat(stream.read("index.m3u8", T0.plus(Duration.ofSeconds(11)))).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("index.m3u8", T0.plus(Duration.ofSeconds(12)))).isEqualTo(OriginReply.OFFLINE);
  }

  @Test
  void toleratesAtLeastSixSecondsForShortSegments() {
    stream.put("index.m3u8", MediaType.PLAYLIST, Buffer.buffer("#EXTM3U\n#EXT-X-TARGETDURATION:1\n"), T0);

    assertThat(stream.isLive(T0.plusMillis(5_999))).isTrue();
    assertThat(stream.isLive(T0.plusSeconds(6))).isFalse();
  }

  @Test
  void keepsSegmentsNamedInUriAttributes() {
    stream.put("init.mp4", MediaType.MP4, Buffer.buffer("\0\0\0\u0018ftypiso6"), T0);
    for (int i = 0; i < 10; i++) {
      stream.put("old-" + i + ".m4s", MediaType.FMP4_SEGMENT, Buffer.buffer("\0\0\0\u0018styp"), T0);
    }
    stream.put("index.m3u8", MediaType.PLAYLIST, Buffer.buffer(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2,\nold-9.m4s?x=1\n"), T0);

    assertThat(stream.read("init.mp4", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.read("old-9.m4s", T0)).isInstanceOf(OriginReply.Found.class);
    assertThat(stream.segmentCount()).isEqualTo(2 + LiveStream.MARGIN);
  }

  @Test
  void reportsReplacedAndDeletedFiles() {
    stream.put("seg-0.ts", MediaType.MPEG_TS, Buffer.buffer(Media.ts(1, 0)), T0);
    assertThat(stream.put("seg-0.ts", MediaType.MPEG_TS, Buffer.buffer(Media.ts(1, 1)), T0)).isTrue();
    assertThat(stream.delete("seg-0.ts")).isTrue();
    assertThat(stream.delete("seg-0.ts")).isFalse();

    assertThat(changed).containsExactly("seg-0.ts", "seg-0.ts");
  }
}
