package dev.keycard.core.hls;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the manifest that ships next to pre-encoded segments ({@code demo-stream/segments.txt},
 * written by {@code scripts/make-demo-stream.sh}): one {@code <file name> <seconds>} per line, in play
 * order; blank lines and lines starting with {@code #} are ignored. A bad manifest is a packaging
 * error, so {@link #parse} throws at start-up instead of returning a value.
 */
public final class SegmentManifest {
  private SegmentManifest() {}

  public static List<SegmentFile> parse(String manifest) {
    List<SegmentFile> segments = new ArrayList<>();
    String[] lines = manifest.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("[ \t]+");
      if (fields.length != 2) {
        throw new IllegalArgumentException("segment manifest line " + (i + 1) + ": expected <file> <seconds>");
      }
      segments.add(new SegmentFile(fields[0], seconds(fields[1], i + 1)));
    }
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("segment manifest lists no segment");
    }
    return List.copyOf(segments);
  }

  private static Duration seconds(String text, int line) {
    if (!text.matches("[0-9]{1,6}(\\.[0-9]{1,6})?")) {
      throw new IllegalArgumentException("segment manifest line " + line + ": duration must be seconds with at most 6 decimals");
    }
    long micros = new BigDecimal(text).movePointRight(6).longValueExact();
    return Duration.ofNanos(micros * 1_000);
  }
}
