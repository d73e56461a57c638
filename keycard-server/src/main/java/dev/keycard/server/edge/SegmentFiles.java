package dev.keycard.server.edge;

import dev.keycard.server.stream.OriginReply;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the origin answered into what the {@link SegmentCache} keeps: a segment goes into an
 * unlinked file ({@link SegmentFile}) written on a worker thread, never on an event loop; a refusal is
 * kept as is. Should no file be writable (a full or read-only directory), the segment is kept in an
 * off-heap buffer instead, logged once: the edge serves on, copying through user space.
 *
 * <p>Why files: {@code bench/edge.sh} measured the edge writing a cached 100 KB segment with
 * {@code sendfile} from a file at less CPU per request than writing it from an off-heap buffer (the
 * figures are in docs/streaming.md). The files live in {@code /dev/shm} when it has room for the whole
 * cache: there they are memory, so {@code sendfile} on an event loop never waits for a disk, and the
 * cache's bound is a bound on that memory as it was on the buffers.
 */
final class SegmentFiles {
  private static final Logger log = LoggerFactory.getLogger(SegmentFiles.class);
  private static final Path SHARED_MEMORY = Path.of("/dev/shm");

  private final Path directory;
  private final Executor blocking;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * @param directory where segment files are made (each unlinked as soon as it is open), or {@code null}
   *                  to keep segments in memory
   * @param blocking  a worker pool: files are written and closed there
   */
  SegmentFiles(Path directory, Executor blocking) {
    this.directory = directory;
    this.blocking = blocking;
  }

  /** {@code /dev/shm} when it is there with room for {@code cacheBytes}, else the temporary directory. */
  static Path defaultDirectory(long cacheBytes) {
    try {
      if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)
          && Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= cacheBytes) {
        return SHARED_MEMORY;
      }
    } catch (IOException | SecurityException e) {
      // fall through to the temporary directory
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Where segment files are made, or {@code null} for memory. */
  Path directory() {
    return directory;
  }

  /** What to cache for {@code reply}; completes on a worker thread when a file was written. */
  CompletionStage<CachedReply> keep(OriginReply reply) {
    if (!(reply instanceof OriginReply.Found found)) {
      return CompletableFuture.completedFuture(new CachedReply.Refused(reply));
    }
    if (directory == null || found.body().length() == 0) {
      return CompletableFuture.completedFuture(inMemory(found));
    }
    CompletableFuture<CachedReply> kept = new CompletableFuture<>();
    blocking.execute(() -> {
      try {
        kept.complete(write(found));
      } catch (IOException | RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
          log.warn("edge: cannot write segment files in {} ({}); keeping segments in memory instead", directory,
              e.getClass().getSimpleName());
        }
        kept.complete(inMemory(found));
      }
    });
    return kept;
  }

  private SegmentFile write(OriginReply.Found found) throws IOException {
    // Created readable by this user only; unlinked at once, so only the open channel reaches it.
    Path path = Files.createTempFile(directory, "keycard-segment-", ".tmp");
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } finally {
      Files.deleteIfExists(path);
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(found.body().getBytes());
      while (bytes.hasRemaining()) {
        channel.write(bytes, bytes.position());
      }
      return new SegmentFile(channel, bytes.limit(), found.type(), blocking);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Off the heap: Netty copies a heap buffer into a direct one on every write, a direct one goes out as is. */
  private static CachedReply.InMemory inMemory(OriginReply.Found found) {
    Buffer body = found.body();
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length());
    direct.put(body.getBytes()).flip();
    return new CachedReply.InMemory(BufferInternal.buffer(Unpooled.wrappedBuffer(direct)), found.type());
  }
}
