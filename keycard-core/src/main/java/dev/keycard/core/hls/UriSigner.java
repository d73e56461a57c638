package dev.keycard.core.hls;

/**
 * Turns a resolved media path into the URL a player will fetch, typically a signed URL for our edge.
 *
 * <p>The argument is always a normalized absolute path ({@code /live/demo/seg-7.ts}): it starts with
 * {@code /}, has no dot segments, no query and no fragment, and holds only RFC 3986 characters. The
 * result is written into the playlist as is, so it must be non-empty, must not start with {@code #},
 * and must not contain {@code "}, CR or LF (it may appear inside a quoted-string attribute).
 */
@FunctionalInterface
public interface UriSigner {
  String sign(String absolutePath);
}
