package dev.keycard.core.signedurl;

/**
 * The path rule every scheme applies before it signs and before it verifies. A signature says
 * nothing about what a file server, a cache or a proxy will make of a path after decoding it, so
 * anything that could be read as a different path later is refused outright: dot segments, empty
 * segments, backslashes, control characters, and percent-encoded dots, slashes, backslashes, control
 * characters and percent signs (a {@code %25} would let a second decoding produce any of them).
 *
 * <p>This is the one path rule of keycard's media URLs: the signers apply it, the verifiers apply it,
 * and the playlist rewriter applies it to every path it resolves, so a playlist can never name a path
 * that a signer would refuse to sign.
 */
public final class SafePath {
  static final int MAX_LENGTH = 2048;

  private SafePath() {}

  /** {@code null} when the raw path is acceptable, otherwise why not. */
  public static UrlRejection check(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/' || rawPath.length() > MAX_LENGTH) {
      return UrlRejection.MALFORMED;
    }
    int n = rawPath.length();
    for (int i = 0; i < n; i++) {
      char c = rawPath.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return UrlRejection.PATH_TRAVERSAL;
      }
      if (c == '?' || c == '#') {
        return UrlRejection.MALFORMED;
      }
      if (c == '/' && i + 1 < n && rawPath.charAt(i + 1) == '/') {
        return UrlRejection.PATH_TRAVERSAL;
      }
      if (c == '.' && i + 1 < n && rawPath.charAt(i + 1) == '.') {
        return UrlRejection.PATH_TRAVERSAL;
      }
      // "/./" and a trailing "/." name the directory itself under another spelling.
      if (c == '.' && rawPath.charAt(i - 1) == '/' && (i + 1 == n || rawPath.charAt(i + 1) == '/')) {
        return UrlRejection.PATH_TRAVERSAL;
      }
      if (c == '%') {
        if (i + 2 >= n) {
          return UrlRejection.MALFORMED;
        }
        int hi = Character.digit(rawPath.charAt(i + 1), 16);
        int lo = Character.digit(rawPath.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return UrlRejection.MALFORMED;
        }
        int decoded = hi * 16 + lo;
        if (decoded < 0x20 || decoded == 0x7f || decoded == '.' || decoded == '/' || decoded == '\\' || decoded == '%') {
          return UrlRejection.PATH_TRAVERSAL;
        }
        i += 2;
      }
    }
    return null;
  }

  /** For signers: a path we would refuse to verify is a programming error on the signing side. */
  public static String require(String rawPath) {
    UrlRejection r = check(rawPath);
    if (r != null) {
      throw new IllegalArgumentException("refusing to sign this path: " + r.description());
    }
    return rawPath;
  }
}
