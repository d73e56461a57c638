package dev.keycard.server.stream;

import java.util.Locale;

/**
 * How stream-start and the edge sign playback URLs (docs/signed-urls.md). The edge accepts both
 * keycard schemes whatever this says, and signs the URIs of a playlist in the scheme the playlist's
 * own URL came in.
 */
public enum UrlScheme {
  /** Scheme 1: HMAC query signature per path ({@code ?exp=&kid=&sid=&sig=}). */
  KEYCARD,
  /** Scheme 2: a path-prefix token covering the stream's directory ({@code /t/{token}/live/...}). */
  PREFIX;

  public static UrlScheme parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "keycard" -> KEYCARD;
      case "prefix" -> PREFIX;
      default -> throw new IllegalArgumentException("--url-scheme must be keycard or prefix, not '" + value + "'");
    };
  }
}
