package dev.keycard.core.hls;

/**
 * Turns a resolved media path into the URL a player will fetch, typically a signed URL for our edge.
 *
 * <p>The argument is always a normalized absolute path ({@code /live/demo/seg-7.ts}) that passes
 * {@link dev.keycard.core.signedurl.SafePath}, the path rule every URL signer applies: it starts with
 * {@code /}, has no dot or empty segments, no query and no fragment, and nothing percent-encoded that
 * could decode into another path. The result is written into the playlist as is, so it must be
 * non-empty, must not start with {@code #}, and must not contain {@code "}, CR or LF (it may appear
 * inside a quoted-string attribute).
 */
@FunctionalInterface
public interface UriSigner {

  /**
   * @return the URL to write in place of the path, or {@code null} to refuse the path (the rewrite is
   *         then {@link PlaylistRefusal#REFUSED_BY_SIGNER}); a signer never throws for a path it does
   *         not want to sign
   */
  String sign(String absolutePath);
}
