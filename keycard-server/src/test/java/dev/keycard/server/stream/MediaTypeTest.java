package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.Media;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** File names a stream may hold, and the first-bytes check of each file type. */
class MediaTypeTest {

  @ParameterizedTest
  @ValueSource(strings = {"index.m3u8", "index0.ts", "seg_1-a.m4s", "init.mp4", "audio-3.aac"})
  void acceptsPlainMediaFileNames(String name) {
    assertThat(MediaType.ofFileName(name)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".ts", "..ts", "../x.ts", "a/b.ts", "a.b.ts", "x.exe", "x.TS", "x.ts ", "x%2e.ts",
      "x.m3u8\u0000", "seg.ts.m3u8x", "é.ts"})
  void refusesAnythingElse(String name) {
    assertThat(MediaType.ofFileName(name)).isNull();
  }

  @Test
  void refusesLongNames() {
    assertThat(MediaType.ofFileName("a".repeat(128) + ".ts")).isNotNull();
    assertThat(MediaType.ofFileName("a".repeat(129) + ".ts")).isNull();
  }

  @Test
  void playlistMustStartWithExtM3u() {
    assertThat(MediaType.PLAYLIST.accepts(Buffer.buffer("#EXTM3U\n"))).isTrue();
    assertThat(MediaType.PLAYLIST.accepts(Buffer.buffer("\uFEFF#EXTM3U\n"))).isFalse();
    assertThat(MediaType.PLAYLIST.accepts(Buffer.buffer("#EXTM3"))).isFalse();
  }

  @Test
  void transportStreamNeedsSyncBytesAtPacketStarts() {
    assertThat(MediaType.MPEG_TS.accepts(Buffer.buffer(Media.ts(10, 0)))).isTrue();
    byte[] broken = Media.ts(10, 0);
    broken[188 * 3] = 0x46;
    assertThat(MediaType.MPEG_TS.accepts(Buffer.buffer(broken))).isFalse();
    assertThat(MediaType.MPEG_TS.accepts(Buffer.buffer())).isFalse();
  }

  @Test
  void fragmentedMp4AndAudioHaveTheirSignatures() {
    assertThat(MediaType.FMP4_SEGMENT.accepts(Buffer.buffer("\0\0\0\u0018styp"))).isTrue();
    assertThat(MediaType.MP4.accepts(Buffer.buffer("\0\0\0\u0018ftyp"))).isTrue();
    assertThat(MediaType.MP4.accepts(Buffer.buffer("<html><body>"))).isFalse();
    assertThat(MediaType.AAC.accepts(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xF1}))).isTrue();
    assertThat(MediaType.AAC.accepts(Buffer.buffer("ID3\u0004"))).isTrue();
    assertThat(MediaType.AAC.accepts(Buffer.buffer("RIFF"))).isFalse();
  }
}
