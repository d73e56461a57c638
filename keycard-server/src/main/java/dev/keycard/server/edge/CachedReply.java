package dev.keycard.server.edge;

import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.OriginReply;
import io.vertx.core.buffer.Buffer;

/**
 * What the edge's {@link SegmentCache} holds for a path: a segment in a file ({@link SegmentFile},
 * written by {@link SegmentFiles}), a segment in memory (when no file could be written), or the
 * origin's refusal (dropped from the cache as soon as it arrives).
 */
sealed interface CachedReply permits CachedReply.Refused, CachedReply.InMemory, SegmentFile {

  /** Bytes this entry holds (the cache's weight). */
  long bytes();

  /** The origin had no segment: not found, offline, unknown stream. */
  record Refused(OriginReply reply) implements CachedReply {
    @Override
    public long bytes() {
      return 0;
    }
  }

  /** A segment in an off-heap buffer, written to sockets as is. */
  record InMemory(Buffer body, MediaType type) implements CachedReply {
    @Override
    public long bytes() {
      return body.length();
    }
  }
}
