package dev.keycard.server.stream;

import java.util.Locale;

/**
 * Which signed URL stream-start hands out (docs/signed-urls.md), and so who checks the media
 * requests: keycard's own edge ({@link #KEYCARD}, {@link #PREFIX}), an nginx in front of keycard's
 * origin ({@link #NGINX}), or Amazon CloudFront ({@link #CLOUDFRONT}). keycard's edge accepts both of
 * its schemes whatever this says, and signs the URIs of a playlist in the scheme the playlist's own
 * URL came in.
 */
public enum UrlScheme {
  /** Scheme 1: HMAC query signature per path ({@code ?exp=&kid=&sid=&sig=}), checked by keycard's edge. */
  KEYCARD,
  /** Scheme 2: a path-prefix token covering the stream's directory ({@code /t/{token}/live/...}), keycard's edge. */
  PREFIX,
  /** Scheme 5: an nginx {@code secure_link_md5} directory token ({@code /s/{md5}/{expires}/live/...}). */
  NGINX,
  /** Scheme 4: CloudFront signed cookies with a custom policy covering the stream's directory. */
  CLOUDFRONT;

  public static UrlScheme parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "keycard" -> KEYCARD;
      case "prefix" -> PREFIX;
      case "nginx" -> NGINX;
      case "cloudfront" -> CLOUDFRONT;
      default -> throw new IllegalArgumentException("--url-scheme must be keycard, prefix, nginx or cloudfront, not '" + value + "'");
    };
  }

  /** Whether keycard's own edge serves URLs of this scheme (the others are checked by nginx or a CDN). */
  public boolean servedByEdge() {
    return this == KEYCARD || this == PREFIX;
  }

  /** The option value: {@code keycard}, {@code prefix}, {@code nginx}, {@code cloudfront}. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
