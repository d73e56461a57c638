package dev.keycard.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Small, well-formed media for tests: what the origin's content checks accept. */
public final class Media {
  private Media() {}

  /** {@code packets} MPEG-TS packets of 188 bytes, each starting with the 0x47 sync byte. */
  public static byte[] ts(int packets, int fill) {
    byte[] b = new byte[packets * 188];
    Arrays.fill(b, (byte) fill);
    for (int i = 0; i < b.length; i += 188) {
      b[i] = 0x47;
    }
    return b;
  }

  /** A live media playlist naming {@code seg-<first>.ts} onwards, 2 s each. */
  public static byte[] livePlaylist(int first, int count) {
    StringBuilder s = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:")
        .append(first).append('\n');
    for (int i = first; i < first + count; i++) {
      s.append("#EXTINF:2.000,\nseg-").append(i).append(".ts\n");
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
