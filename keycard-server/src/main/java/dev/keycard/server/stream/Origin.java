package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where the edge gets a stream's files. The edge calls it for every playlist request and once per
 * segment cache miss. {@link LocalOrigin} serves from this process's memory; an origin in another
 * process would be reached over HTTP behind the same interface.
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
   * ignore it; their segment names must then never be reused.
   */
  default void onChange(Consumer<String> listener) {}
}
