package dev.keycard.core.hls;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of {@link PlaylistRewriter#rewrite}. A refused playlist is a value, not an exception:
 * the rewriter runs once per playlist request on an event loop.
 */
public sealed interface PlaylistRewrite {

  /**
   * The playlist with every URI replaced by the signer's output.
   *
   * @param targetDuration the value of {@code EXT-X-TARGETDURATION} (RFC 8216 §4.3.3.1), present in
   *                       media playlists only; callers size signed-URL lifetimes from it
   * @param endList        whether the playlist carries {@code EXT-X-ENDLIST} (no more segments will be
   *                       added: VOD or an ended event), so its URLs may need to live for the whole
   *                       playback rather than a few target durations
   */
  record Rewritten(String text, Optional<Duration> targetDuration, boolean endList)
      implements PlaylistRewrite {}

  /**
   * @param line the 1-based line where the rewriter stopped, for logs (the line itself is not echoed);
   *             0 when the refusal concerns the whole request ({@code TOO_LARGE},
   *             {@code INVALID_PLAYLIST_PATH})
   */
  record Refused(PlaylistRefusal reason, int line) implements PlaylistRewrite {}
}
