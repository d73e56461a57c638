package dev.keycard.server.stream;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The outcome of starting playback: a signed playlist URL, or why not. */
public sealed interface StartResult {

  /**
   * @param playlistUrl the absolute URL of the stream's playlist, signed unless the cookies authorise it
   * @param expiresAt   when the URL (and the cookies) stop working
   * @param cookies     cookies the player must send with every media request (CloudFront's signed
   *                    cookies), empty for the schemes whose URL carries the signature
   */
  record Started(String playlistUrl, Instant expiresAt, List<PlaybackCookie> cookies) implements StartResult {
    public Started {
      Objects.requireNonNull(playlistUrl, "playlistUrl");
      Objects.requireNonNull(expiresAt, "expiresAt");
      cookies = List.copyOf(cookies);
    }

    /** A signed URL without cookies. */
    public Started(String playlistUrl, Instant expiresAt) {
      this(playlistUrl, expiresAt, List.of());
    }
  }

  /** The token lacks both {@code stream:watch} and {@code stream:watch:{id}}: 403 insufficient_scope. */
  record NotEntitled(String requiredScope) implements StartResult {}

  record UnknownStream() implements StartResult {}
}
