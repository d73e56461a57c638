package dev.keycard.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.OriginReply;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the edge's cache keeps of an origin's answer: unlinked segment files, counted references, the fallbacks. */
class SegmentFilesTest {
  private static final Executor NOW = Runnable::run;

  @TempDir
  Path dir;

  private static OriginReply.Found segment(int bytes, int fill) {
    return new OriginReply.Found(Buffer.buffer(TestEdge.ts(bytes, fill)), MediaType.MPEG_TS);
  }

  private static CachedReply keep(SegmentFiles files, OriginReply reply) {
    return files.keep(reply).toCompletableFuture().join();
  }

  private static byte[] read(SegmentFile file) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate((int) file.bytes());
    while (bytes.hasRemaining()) {
      if (file.channel().read(bytes, bytes.position()) < 0) {
        break;
      }
    }
    return bytes.array();
  }

  @Test
  void keepsASegmentInAFileWithNoNameLeftInTheDirectory() throws IOException {
    SegmentFiles files = new SegmentFiles(dir, NOW);

    CachedReply kept = keep(files, segment(100_000, 3));

    assertThat(kept).isInstanceOf(SegmentFile.class);
    SegmentFile file = (SegmentFile) kept;
    assertThat(file.bytes()).isEqualTo(100_000);
    assertThat(file.type()).isEqualTo(MediaType.MPEG_TS);
    assertThat(read(file)).isEqualTo(TestEdge.ts(100_000, 3));
    try (var names = Files.list(dir)) {
      assertThat(names).isEmpty();
    }
  }

  @Test
  void closesTheFileOnlyWhenTheCacheAndEveryResponseSendingItHaveReleasedIt() {
    SegmentFile file = (SegmentFile) keep(new SegmentFiles(dir, NOW), segment(1_000, 1));
    assertThat(file.retain()).isTrue(); // a response starts sending it

    file.release(); // the cache evicts it meanwhile

    assertThat(file.isOpen()).isTrue();
    file.release(); // the response is out
    assertThat(file.isOpen()).isFalse();
    assertThat(file.retain()).as("a closed file is never handed out again").isFalse();
  }

  @Test
  void keepsSegmentsInMemoryWhenNoFileCanBeWritten() {
    SegmentFiles files = new SegmentFiles(dir.resolve("missing"), NOW);

    CachedReply kept = keep(files, segment(2_000, 4));

    assertThat(kept).isInstanceOf(CachedReply.InMemory.class);
    assertThat(((CachedReply.InMemory) kept).body().getBytes()).isEqualTo(TestEdge.ts(2_000, 4));
  }

  @Test
  void keepsTheOriginsRefusalsAsRefusalsWithoutAFile() throws IOException {
    CachedReply kept = keep(new SegmentFiles(dir, NOW), OriginReply.NOT_FOUND);

    assertThat(kept).isEqualTo(new CachedReply.Refused(OriginReply.NOT_FOUND));
    assertThat(kept.bytes()).isZero();
    try (var names = Files.list(dir)) {
      assertThat(names).isEmpty();
    }
  }

  @Test
  void writesTheFileOnTheGivenWorkerNotTheCaller() {
    Thread[] writer = new Thread[1];
    Executor worker = work -> {
      Thread t = new Thread(work, "worker");
      writer[0] = t;
      t.start();
    };

    CachedReply kept = keep(new SegmentFiles(dir, worker), segment(1_000, 2));

    assertThat(kept).isInstanceOf(SegmentFile.class);
    assertThat(writer[0]).isNotNull().isNotSameAs(Thread.currentThread());
  }
}
