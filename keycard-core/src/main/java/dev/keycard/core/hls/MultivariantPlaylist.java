package dev.keycard.core.hls;

import java.util.Objects;

/**
 * Multivariant playlists (RFC 8216 §4.3.4): telling one from a media playlist, and making the smallest
 * one, with a single variant, around a media playlist.
 *
 * <p>Why keycard makes them: players load a multivariant playlist once and then reload only the media
 * playlists it names (RFC 8216 §6.3.4), at the URIs it names. So the URL a player starts from can be
 * short-lived while the URL it reloads lives as long as the playback session: the edge answers a
 * playback ticket with a multivariant playlist naming the stream's media playlist at a session URL.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-4.3.4.2">RFC 8216 §4.3.4.2, EXT-X-STREAM-INF</a>
 */
public final class MultivariantPlaylist {
  private static final String STREAM_INF = "#EXT-X-STREAM-INF:";
  /** Used when nothing is known of the stream's bit rate yet (no segment has arrived). */
  public static final long UNKNOWN_BANDWIDTH = 1_000_000;

  private MultivariantPlaylist() {}

  /**
   * Whether {@code playlist} is a multivariant playlist: it has an {@code EXT-X-STREAM-INF} tag at the
   * start of a line (a multivariant playlist names at least one variant stream, a media playlist never
   * carries that tag).
   */
  public static boolean isMultivariant(String playlist) {
    for (int at = playlist.indexOf(STREAM_INF); at >= 0; at = playlist.indexOf(STREAM_INF, at + 1)) {
      if (at == 0 || playlist.charAt(at - 1) == '\n') {
        return true;
      }
    }
    return false;
  }

  /**
   * A multivariant playlist with one variant stream.
   *
   * @param variantUri     the media playlist's URI, written as is (it must not contain CR or LF)
   * @param peakBitsPerSecond the variant's peak segment bit rate ({@code BANDWIDTH} is required,
   *                       RFC 8216 §4.3.4.2); {@link #UNKNOWN_BANDWIDTH} or any value below 1 means
   *                       unknown
   */
  public static String singleVariant(String variantUri, long peakBitsPerSecond) {
    Objects.requireNonNull(variantUri, "variantUri");
    if (variantUri.isEmpty() || variantUri.indexOf('\n') >= 0 || variantUri.indexOf('\r') >= 0
        || variantUri.charAt(0) == '#') {
      throw new IllegalArgumentException("a variant URI must be one line that is not a tag");
    }
    long bandwidth = peakBitsPerSecond > 0 ? peakBitsPerSecond : UNKNOWN_BANDWIDTH;
    return "#EXTM3U\n" + STREAM_INF + "BANDWIDTH=" + bandwidth + "\n" + variantUri + "\n";
  }
}
