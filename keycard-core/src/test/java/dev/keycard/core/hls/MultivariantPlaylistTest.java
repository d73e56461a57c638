package dev.keycard.core.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MultivariantPlaylistTest {

  @Test
  void tellsMultivariantFromMediaPlaylistsByTheStreamInfTagAtALineStart() {
    assertThat(MultivariantPlaylist.isMultivariant("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0.m3u8\n")).isTrue();
    assertThat(MultivariantPlaylist.isMultivariant("#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\nv0.m3u8\r\n")).isTrue();
    assertThat(MultivariantPlaylist.isMultivariant("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg.ts\n")).isFalse();
    assertThat(MultivariantPlaylist.isMultivariant("#EXTM3U\n#EXTINF:2,title #EXT-X-STREAM-INF:\nseg.ts\n")).isFalse();
  }

  @Test
  void singleVariantNamesTheMediaPlaylistWithItsPeakBandwidth() {
    assertThat(MultivariantPlaylist.singleVariant("/live/cam/index.m3u8?exp=1&sig=x", 2_345_678))
        .isEqualTo("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2345678\n/live/cam/index.m3u8?exp=1&sig=x\n");
    assertThat(MultivariantPlaylist.singleVariant("v.m3u8", 0)).contains("BANDWIDTH=1000000\n");
  }

  @Test
  void refusesAVariantUriThatWouldBreakThePlaylist() {
    assertThatThrownBy(() -> MultivariantPlaylist.singleVariant("a\n#EXT-X-ENDLIST", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MultivariantPlaylist.singleVariant("#x", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void peakBitrateIsTheLargestSegmentSizeOverItsDuration() {
    String playlist = "#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXTINF:2.000,\r\na.ts\r\n#EXTINF:4,title\r\nb.ts\r\n"
        + "#EXTINF:2.5,\r\nunknown.ts\r\n";
    Map<String, Long> sizes = Map.of("a.ts", 250_000L, "b.ts", 600_000L);

    // a: 2,000,000 bit / 2 s = 1,000,000 b/s; b: 4,800,000 bit / 4 s = 1,200,000 b/s
    assertThat(PeakBitrate.of(playlist, uri -> sizes.getOrDefault(uri, -1L))).isEqualTo(1_200_000);
    assertThat(PeakBitrate.of(playlist, uri -> -1)).isZero();
  }
}
