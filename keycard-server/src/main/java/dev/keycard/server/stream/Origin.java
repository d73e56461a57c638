package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where the edge gets a stream's files. The edge calls it for every playlist request and once per
 * segment cache miss. {@link LocalOrigin} serves from this process's memory; {@link HttpOrigin}
 * pulls from an origin in another process.
 */
public interface Origin {

  /**
   * Fetches one file of a stream. Never fails for a missing file or stream: those are
   * {@link OriginReply} values; a failed stage means the origin itself could not be reached.
   *
   * @param file a plain file name accepted by {@link MediaType#ofFileName}
   */
  CompletionStage<OriginReply> fetch(StreamId stream, String file);

  /**
   * Registers a listener told the edge path ({@code /live/{id}/{file}}) of every file that is
   * replaced or deleted, so a cache keyed by path drops it (an encoder restarted with the same
   * segment names must not be served the previous run's segments). Origins that cannot tell may
   * ignore it, and say through {@link #segmentLife()} how long a fetched segment may be served.
   */
  default void onChange(Consumer<String> listener) {}

  /**
   * How long the edge may serve a segment fetched from here before fetching it again: empty for an
   * origin that reports every replaced file through {@link #onChange} (kept until evicted or
   * replaced), a short life for one that cannot (segment names repeat when an encoder restarts).
   */
  default Optional<Duration> segmentLife() {
    return Optional.empty();
  }
}
