package dev.keycard.core.hls;

import java.time.Duration;

/**
 * A quick read of a playlist's {@code EXT-X-TARGETDURATION} (RFC 8216 §4.3.3.1) without parsing the
 * rest: the origin keeps it to tell a live stream from a stopped one, the edge sizes segment URL
 * lives from it.
 */
public final class TargetDuration {
  private static final String TAG = "#EXT-X-TARGETDURATION:";
  /** Six digits: more than a day, far beyond any real target duration, and no int overflow. */
  private static final int MAX_DIGITS = 6;

  private TargetDuration() {}

  /** The target duration, or {@code null} when the tag is absent, malformed or not positive. */
  public static Duration of(String playlist) {
    int at = playlist.indexOf(TAG);
    if (at < 0) {
      return null;
    }
    int from = at + TAG.length();
    int to = from;
    while (to < playlist.length() && to - from < MAX_DIGITS && Character.isDigit(playlist.charAt(to))) {
      to++;
    }
    if (to == from) {
      return null;
    }
    int seconds = Integer.parseInt(playlist, from, to, 10);
    return seconds > 0 ? Duration.ofSeconds(seconds) : null;
  }
}
