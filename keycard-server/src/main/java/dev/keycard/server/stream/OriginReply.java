package dev.keycard.server.stream;

import io.vertx.core.buffer.Buffer;

/** What an {@link Origin} answers for one file: expected outcomes are values, not exceptions. */
public sealed interface OriginReply {

  /**
   * The file, with the content type to serve it as.
   *
   * @param peakBitsPerSecond for a media playlist, the peak bit rate of the segments it lists whose
   *                          size the origin knows (the {@code BANDWIDTH} a multivariant playlist
   *                          naming it declares); 0 when unknown or not a media playlist
   */
  record Found(Buffer body, MediaType type, long peakBitsPerSecond) implements OriginReply {
    public Found(Buffer body, MediaType type) {
      this(body, type, 0);
    }

    public int weight() {
      return body.length();
    }
  }

  /** The stream exists and is live, but has no such file (never uploaded, or slid out of the window). */
  record NotFound() implements OriginReply {}

  /** The stream is registered but nobody is publishing it (never, or not for a while). */
  record Offline() implements OriginReply {}

  /** No stream with that id is registered. */
  record UnknownStream() implements OriginReply {}

  OriginReply NOT_FOUND = new NotFound();
  OriginReply OFFLINE = new Offline();
  OriginReply UNKNOWN_STREAM = new UnknownStream();
}
