package dev.keycard.core.hls;

import java.time.Duration;
import java.util.Objects;

/**
 * One pre-encoded media segment shipped with the server: its file name and exact duration (the
 * {@code EXTINF} value, RFC 8216 §4.3.2.1).
 *
 * @param name     a plain file name ({@code demo-0.ts}): letters, digits, {@code . _ -}, no path
 * @param duration positive, at microsecond precision at most
 */
public record SegmentFile(String name, Duration duration) {
  public SegmentFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(duration, "duration");
    if (!isPlainFileName(name)) {
      throw new IllegalArgumentException("segment file name must be a plain file name: " + name);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("segment duration must be positive: " + name);
    }
    if (duration.getNano() % 1_000 != 0) {
      throw new IllegalArgumentException("segment duration must be whole microseconds: " + name);
    }
  }

  private static boolean isPlainFileName(String name) {
    if (name.isEmpty() || name.length() > 255 || name.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
