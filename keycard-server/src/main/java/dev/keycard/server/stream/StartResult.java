package dev.keycard.server.stream;

import java.time.Duration;
import java.time.Instant;

/** The outcome of starting playback: a signed playlist URL, or why not. */
public sealed interface StartResult {

  /**
   * @param playlistUrl  the absolute signed URL a player starts from
   * @param expiresAt    when that URL stops working (for keycard's edge: by then the player must have
   *                     opened the playback session)
   * @param sessionTtl   how long playback lasts once opened (then the app starts the stream again)
   */
  record Started(String playlistUrl, Instant expiresAt, Duration sessionTtl) implements StartResult {}

  /** The token lacks both {@code stream:watch} and {@code stream:watch:{id}}: 403 insufficient_scope. */
  record NotEntitled(String requiredScope) implements StartResult {}

  record UnknownStream() implements StartResult {}
}
