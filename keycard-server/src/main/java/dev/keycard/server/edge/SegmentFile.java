package dev.keycard.server.edge;

import dev.keycard.server.stream.MediaType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cached segment in an unlinked file, which the edge writes to sockets with {@code sendfile} (Vert.x
 * {@code sendFile}, a Netty {@code FileRegion}): the bytes go from the page cache to the socket
 * without passing through user space. The file has no name (deleted as soon as it was opened), so
 * nothing else can read it and nothing is left behind; its pages are freed when the channel closes.
 *
 * <p>Reference counted, because the cache may evict a segment while responses are still sending it:
 * the cache holds one reference, each response in flight one more, and the channel is closed (on a
 * worker: closing an unlinked file may free disk blocks) when the last is released. A file descriptor
 * closed under a pending {@code sendfile} could be reused by another file, whose bytes would then go
 * to a viewer.
 */
final class SegmentFile implements CachedReply {
  private final FileChannel channel;
  private final long length;
  private final MediaType type;
  private final Executor closer;
  private final AtomicInteger references = new AtomicInteger(1); // the cache's

  /** @param closer where the channel is closed once no one holds it */
  SegmentFile(FileChannel channel, long length, MediaType type, Executor closer) {
    this.channel = channel;
    this.length = length;
    this.type = type;
    this.closer = closer;
  }

  FileChannel channel() {
    return channel;
  }

  MediaType type() {
    return type;
  }

  @Override
  public long bytes() {
    return length;
  }

  /**
   * One more reference, for a response about to send the file; {@code false} when the last was
   * released already (evicted meanwhile and closed, or closing): fetch the segment again.
   */
  boolean retain() {
    for (int n = references.get(); n > 0; n = references.get()) {
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives back a reference: the cache's when it drops the segment, a response's when it is sent. */
  void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      closer.execute(this::close);
    } else if (left < 0) {
      throw new IllegalStateException("segment file released more often than retained");
    }
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  private void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing to do: the descriptor is gone either way, and the file has no name.
    }
  }
}
