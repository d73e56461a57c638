package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.Roles.Role;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.FfmpegProcess;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiers with the real tools: an origin instance ({@code --roles api,origin}) and two edge-only
 * instances ({@code --roles edge}) in one JVM on one data directory; ffmpeg publishes to the origin
 * with a stream key, and ffmpeg as a player reads the stream through each edge at the same time,
 * decoding it; ffprobe measures what was decoded.
 */
class TieredDeliveryFfmpegTest {
  private static final String SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static final long PROCESS_TIMEOUT_SECONDS = 60;
  private static final double MIN_SECONDS = 5.0;

  @TempDir
  Path dir;
  private final List<AutoCloseable> running = new ArrayList<>();
  private String ffprobe;

  @BeforeEach
  void requireTools() {
    SystemTools.require("ffmpeg");
    ffprobe = SystemTools.require("ffprobe");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running.reversed()) {
      c.close();
    }
  }

  private TestKeycard start(Roles roles) {
    TestKeycard k = TestKeycard.start(TestKeycard.config(dir.resolve("data")), StreamingConfig.defaults()
        .withCdn(UrlScheme.KEYCARD, new CdnConfig(SECRET, null, null, null, null, null)), roles, InstantSource.system());
    running.add(k);
    return k;
  }

  @Test
  void streamPublishedToTheOriginPlaysThroughEachOfTwoEdgeOnlyInstances() throws Exception {
    TestKeycard origin = start(new Roles(EnumSet.of(Role.API, Role.ORIGIN), null, Roles.DEFAULT_ORIGIN_TIMEOUT));
    List<TestKeycard> edges = List.of(
        start(new Roles(EnumSet.of(Role.EDGE), origin.http().base(), Roles.DEFAULT_ORIGIN_TIMEOUT)),
        start(new Roles(EnumSet.of(Role.EDGE), origin.http().base(), Roles.DEFAULT_ORIGIN_TIMEOUT)));
    origin.addUser("viewer", "viewer's password", "stream:watch");
    StreamId cam = new StreamId("cam");
    origin.server().streaming().registry().register(cam);
    String key = origin.server().streaming().keys().issue(cam.value()).secret();

    FfmpegProcess publisher = FfmpegProcess.publish(dir.resolve("publisher.log"),
        origin.http().base() + "/ingest/cam/" + key + "/index.m3u8", List.of());
    running.add(publisher);
    awaitSegments(origin.server().streaming().origin(), cam, 3, publisher);

    String ticket = ticket(origin);
    List<Process> players = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      players.add(play(edges.get(i).edgeBase() + ticket, "edge" + i));
    }
    for (int i = 0; i < players.size(); i++) {
      Process player = players.get(i);
      Path log = dir.resolve("edge" + i + ".log");
      boolean finished = player.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        player.destroyForcibly();
      }
      assertThat(finished).as("player at edge %d finished; its log:%n%s", i, read(log)).isTrue();
      assertThat(player.exitValue()).as("player at edge %d; its log:%n%s", i, read(log)).isZero();
      assertThat(durationOf(dir.resolve("edge" + i + ".ts"))).isGreaterThanOrEqualTo(MIN_SECONDS);
    }
    assertThat(publisher.isAlive()).as(publisher.log()).isTrue();
  }

  /** stream-start on the API instance: the ticket's path and query, good at either edge. */
  private static String ticket(TestKeycard api) {
    String token = api.http().login("viewer", "viewer's password").json().getString("access_token");
    URI url = URI.create(api.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "cam"),
        "Authorization", "Bearer " + token).json().getString("playlist_url"));
    return url.getRawPath() + "?" + url.getRawQuery();
  }

  /** ffmpeg as a player: 6 s of the stream decoded (re-encoded small), into a file ffprobe can measure. */
  private Process play(String url, String name) throws IOException {
    return new ProcessBuilder(SystemTools.require("ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-i", url, "-t", "6", "-vf", "scale=160:-2", "-c:v", "mpeg2video", "-q:v", "10", "-c:a", "mp2",
        "-y", dir.resolve(name + ".ts").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  private double durationOf(Path media) throws IOException, InterruptedException {
    Process probe = new ProcessBuilder(ffprobe, "-v", "error", "-show_entries", "format=duration",
        "-of", "default=noprint_wrappers=1:nokey=1", media.toString()).redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertThat(probe.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return Double.parseDouble(output);
  }

  /** Waits (bounded) until the publisher has pushed a playlist naming {@code count} segments. */
  private static void awaitSegments(LocalOrigin origin, StreamId stream, int count, FfmpegProcess publisher)
      throws InterruptedException {
    CountDownLatch published = new CountDownLatch(1);
    origin.onChange(path -> {
      if (path.equals(stream.entryPlaylistPath()) && origin.read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found f
          && f.body().toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(".ts")).count() >= count) {
        published.countDown();
      }
    });
    if (!published.await(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the publisher did not push " + count + " segments (alive: " + publisher.isAlive()
          + "); its log:\n" + publisher.log());
    }
  }

  private static String read(Path log) {
    try {
      return java.nio.file.Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
