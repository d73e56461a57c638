package dev.keycard.server.stream;

import java.time.Instant;

/** The outcome of starting playback: a signed playlist URL, or why not. */
public sealed interface StartResult {

  /** @param playlistUrl the absolute signed URL of the stream's playlist at the edge */
  record Started(String playlistUrl, Instant expiresAt) implements StartResult {}

  /** The token lacks both {@code stream:watch} and {@code stream:watch:{id}}: 403 insufficient_scope. */
  record NotEntitled(String requiredScope) implements StartResult {}

  record UnknownStream() implements StartResult {}
}
