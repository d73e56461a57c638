package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real tools: ffmpeg publishes a live stream into the origin with a publish
 * token, exactly as the README shows (chunked PUTs over persistent connections); a viewer logs in and
 * starts the stream; ffmpeg as the player reads the signed playlist through the edge and decodes it,
 * and ffprobe measures what was decoded. Skipped loudly without ffmpeg, failed in CI.
 */
class FfmpegEndToEndTest {
  /** Generous: CI machines have two cores and other tests running. */
  private static final long PROCESS_TIMEOUT_SECONDS = 60;
  private static final double MIN_SECONDS = 5.0;

  @TempDir
  static Path dir;
  static String ffmpeg;
  static String ffprobe;
  static TestKeycard keycard;
  static TestHttp http;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dir.resolve("data"));
    http = keycard.http();
    keycard.addUser("viewer", "viewer's password", "profile stream:watch");
  }

  /** Per test, so a machine without ffmpeg counts these tests as skipped (a class-level skip counts none). */
  @BeforeEach
  void requireTools() {
    ffmpeg = SystemTools.require("ffmpeg");
    ffprobe = SystemTools.require("ffprobe");
  }

  @AfterAll
  static void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  @Test
  void streamPublishedByFfmpegPlaysThroughTheEdgeInFfmpeg() throws Exception {
    String secret = keycard.addClient("encoder", "stream:publish");
    String publishToken = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("encoder", secret)).json().getString("access_token");
    assertThat(http.postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam"),
        "Authorization", "Bearer " + publishToken).status()).isEqualTo(201);

    Path publisherLog = dir.resolve("publisher.log");
    Process publisher = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
        "-c:v", "libx264", "-g", "60", "-c:a", "aac",
        "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
        "-method", "PUT", "-headers", "Authorization: Bearer " + publishToken, "-t", "40",
        http.base() + "/ingest/cam/index.m3u8")
        .redirectErrorStream(true).redirectOutput(publisherLog.toFile()).start();
    try {
      awaitSegments(new StreamId("cam"), 3, publisher, publisherLog);

      String playlistUrl = startStream("cam");
      Path played = play(playlistUrl, "cam.ts");

      assertThat(durationOf(played)).isGreaterThanOrEqualTo(MIN_SECONDS);
    } finally {
      publisher.destroy();
      if (!publisher.waitFor(10, TimeUnit.SECONDS)) {
        publisher.destroyForcibly();
      }
    }
  }

  @Test
  void builtInDemoStreamPlaysThroughTheEdgeInFfmpeg() throws Exception {
    Path played = play(startStream("demo"), "demo.ts");

    assertThat(durationOf(played)).isGreaterThanOrEqualTo(MIN_SECONDS);
  }

  private static String startStream(String stream) {
    String token = http.login("viewer", "viewer's password").json().getString("access_token");
    Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", stream),
        "Authorization", "Bearer " + token);
    assertThat(started.status()).isEqualTo(200);
    return started.json().getString("playlist_url");
  }

  /**
   * ffmpeg as the player: reads the live playlist through the edge and decodes 6 s of it (re-encoded
   * small, so decoding really happens), into a file ffprobe can measure.
   */
  private static Path play(String playlistUrl, String name) throws IOException, InterruptedException {
    Path out = dir.resolve(name);
    Path log = dir.resolve(name + ".log");
    Process player = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-i", playlistUrl, "-t", "6", "-vf", "scale=160:-2", "-c:v", "mpeg2video", "-q:v", "10", "-c:a", "mp2",
        "-y", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = player.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!finished) {
      player.destroyForcibly();
    }
    assertThat(finished).as("player finished; its log:\n" + Files.readString(log)).isTrue();
    assertThat(player.exitValue()).as("player exit code; its log:\n" + Files.readString(log)).isZero();
    return out;
  }

  private static double durationOf(Path media) throws IOException, InterruptedException {
    Process probe = new ProcessBuilder(ffprobe, "-v", "error", "-show_entries", "format=duration",
        "-of", "default=noprint_wrappers=1:nokey=1", media.toString()).redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertThat(probe.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return Double.parseDouble(output);
  }

  /**
   * Waits (bounded) until the publisher has pushed a playlist naming {@code count} segments: the
   * origin reports every replaced playlist, so no polling.
   */
  private static void awaitSegments(StreamId stream, int count, Process publisher, Path log)
      throws InterruptedException, IOException {
    LocalOrigin origin = keycard.server().streaming().origin();
    CountDownLatch published = new CountDownLatch(1);
    String playlistPath = stream.entryPlaylistPath();
    origin.onChange(path -> {
      if (path.equals(playlistPath) && origin.read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found found
          && found.body().toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(".ts")).count() >= count) {
        published.countDown();
      }
    });
    if (!published.await(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the publisher did not push " + count + " segments (alive: " + publisher.isAlive()
          + "); its log:\n" + Files.readString(log));
    }
  }
}
