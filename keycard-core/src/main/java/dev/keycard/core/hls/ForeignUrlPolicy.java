package dev.keycard.core.hls;

/**
 * What {@link PlaylistRewriter} does with an absolute {@code http(s)} URL (or a {@code //host/...}
 * reference) that points at an origin other than the ones configured as our own.
 */
public enum ForeignUrlPolicy {
  /**
   * Refuse the whole playlist. The default: our packager never writes such URLs, so one means a
   * misconfigured or tampered origin, and signing it for our edge would be meaningless.
   */
  REFUSE,
  /**
   * Leave the URL untouched and unsigned: for playlists that deliberately mix in third-party media
   * (an ad server, a partner CDN) which our edge does not serve.
   */
  KEEP_UNSIGNED
}
