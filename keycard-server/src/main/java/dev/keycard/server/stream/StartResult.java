package dev.keycard.server.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The outcome of starting playback: a signed playlist URL, or why not. */
public sealed interface StartResult {

  /**
   * @param playlistUrl the absolute URL a player starts from, signed unless the cookies authorise it
   * @param expiresAt   when the URL (and the cookies) stop working; for keycard's edge, the player must
   *                    have opened its playback session by then
   * @param sessionTtl  how long playback lasts once started (then the app starts the stream again), or
   *                    {@code null} when it lasts until {@code expiresAt} (what an operator's URL says)
   * @param cookies     cookies the player must send with every media request (CloudFront's signed
   *                    cookies), empty for the schemes whose URL carries the signature
   */
  record Started(String playlistUrl, Instant expiresAt, Duration sessionTtl, List<PlaybackCookie> cookies)
      implements StartResult {
    public Started {
      Objects.requireNonNull(playlistUrl, "playlistUrl");
      Objects.requireNonNull(expiresAt, "expiresAt");
      cookies = List.copyOf(cookies);
    }

    /** A signed URL without cookies. */
    public Started(String playlistUrl, Instant expiresAt, Duration sessionTtl) {
      this(playlistUrl, expiresAt, sessionTtl, List.of());
    }

    /** A signed URL without cookies, whose playback lasts until it expires. */
    public Started(String playlistUrl, Instant expiresAt) {
      this(playlistUrl, expiresAt, null, List.of());
    }
  }

  /** The token lacks both {@code stream:watch} and {@code stream:watch:{id}}: 403 insufficient_scope. */
  record NotEntitled(String requiredScope) implements StartResult {}

  record UnknownStream() implements StartResult {}

  /**
   * The account already has {@code active} playback sessions, as many as {@code --max-concurrent-streams}
   * allows ({@code limit}): 403 too_many_streams.
   */
  record TooManyStreams(int limit, int active) implements StartResult {}
}
