package dev.keycard.core.hls;

import java.util.function.ToLongFunction;

/**
 * The peak segment bit rate of a media playlist (RFC 8216 §4.3.4.2: the {@code BANDWIDTH} of a variant
 * is the largest, over its segments, of a segment's size in bits divided by its {@code EXTINF}
 * duration), from the sizes of the segments that are known.
 */
public final class PeakBitrate {
  private static final String EXTINF = "#EXTINF:";

  private PeakBitrate() {}

  /**
   * @param mediaPlaylist the playlist text
   * @param sizeOfUri     the size in bytes of the segment a URI line names, or a negative value when unknown
   * @return bits per second, or 0 when no listed segment has both a known size and a positive duration
   */
  public static long of(String mediaPlaylist, ToLongFunction<String> sizeOfUri) {
    long peak = 0;
    double duration = -1;
    int from = 0;
    int length = mediaPlaylist.length();
    while (from < length) {
      int end = mediaPlaylist.indexOf('\n', from);
      if (end < 0) {
        end = length;
      }
      int lineEnd = end > from && mediaPlaylist.charAt(end - 1) == '\r' ? end - 1 : end;
      if (mediaPlaylist.startsWith(EXTINF, from)) {
        duration = durationOf(mediaPlaylist, from + EXTINF.length(), lineEnd);
      } else if (lineEnd > from && mediaPlaylist.charAt(from) != '#') {
        long size = duration > 0 ? sizeOfUri.applyAsLong(mediaPlaylist.substring(from, lineEnd).strip()) : -1;
        if (size >= 0) {
          peak = Math.max(peak, (long) Math.ceil(size * 8 / duration));
        }
        duration = -1;
      }
      from = end + 1;
    }
    return peak;
  }

  /** The decimal duration before the comma of an {@code EXTINF} value, or -1 when malformed. */
  private static double durationOf(String text, int from, int to) {
    int comma = text.indexOf(',', from);
    int end = comma < 0 || comma > to ? to : comma;
    try {
      return Double.parseDouble(text.substring(from, end).strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
