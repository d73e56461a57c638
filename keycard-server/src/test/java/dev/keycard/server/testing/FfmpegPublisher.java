package dev.keycard.server.testing;

import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.StreamId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real ffmpeg publishing a live test pattern into keycard's origin, as docs/streaming.md shows
 * ({@code -f hls -method PUT} with a publish token), stopped by {@link #close()}. Call from a test
 * method or a {@code @BeforeEach}, after {@code SystemTools.require("ffmpeg")}.
 */
public final class FfmpegPublisher implements AutoCloseable {
  /** Generous: CI machines have two cores and other tests running. */
  private static final long TIMEOUT_SECONDS = 60;

  private final Process process;
  private final Path log;

  private FfmpegPublisher(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * @param apiBase      keycard's API, {@code http://127.0.0.1:PORT}
   * @param publishToken a bearer token with {@code stream:publish[:{stream}]}
   * @param seconds      how long to publish at most
   */
  public static FfmpegPublisher start(String ffmpeg, String apiBase, StreamId stream, String publishToken, int seconds,
      Path log) throws IOException {
    Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
        "-c:v", "libx264", "-g", "60", "-c:a", "aac",
        "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
        "-method", "PUT", "-headers", "Authorization: Bearer " + publishToken, "-t", String.valueOf(seconds),
        apiBase + "/ingest/" + stream + "/index.m3u8")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new FfmpegPublisher(p, log);
  }

  /**
   * Waits (bounded) until the origin holds a playlist of {@code stream} naming {@code count}
   * segments: the origin reports every replaced playlist, so no polling.
   */
  public void awaitSegments(LocalOrigin origin, StreamId stream, int count) throws InterruptedException, IOException {
    CountDownLatch published = new CountDownLatch(1);
    String playlistPath = stream.entryPlaylistPath();
    origin.onChange(path -> {
      if (path.equals(playlistPath) && origin.read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found found
          && found.body().toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(".ts")).count() >= count) {
        published.countDown();
      }
    });
    if (!published.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the publisher did not push " + count + " segments (alive: " + process.isAlive()
          + "); its log:\n" + Files.readString(log));
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
