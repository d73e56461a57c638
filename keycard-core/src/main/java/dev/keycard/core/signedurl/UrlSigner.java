package dev.keycard.core.signedurl;

/**
 * Turns a grant (a path, an expiry, optionally a playback session and a client address) into a
 * URL an edge will accept. Called by the API after it has checked the viewer's bearer token.
 * Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface UrlSigner {

  /**
   * @return the signed path with its query (e.g. {@code /live/demo/index.m3u8?exp=...&sig=...}),
   *         relative to the edge's origin
   * @throws IllegalArgumentException when the grant cannot be signed by this scheme (a path it
   *         refuses, an expiry out of range): a programming error, not a viewer's fault
   */
  String sign(UrlGrant grant);
}
