package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.Roles.Role;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.FfmpegProcess;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final Duration CATCH_UP = Duration.ofMillis(300);
  /** How long a revocation may take to reach an edge here: the catch-up interval and room for a busy machine. */
  private static final Duration CUT_OFF_BOUND = Duration.ofSeconds(5);
  private static final int LONG_PLAY_SECONDS = 20;

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
    TestKeycard k = TestKeycard.start(TestKeycard.config(dir.resolve("data")).withDenylistCatchUp(CATCH_UP),
        StreamingConfig.defaults().withCdn(UrlScheme.KEYCARD, new CdnConfig(SECRET, null, null, null, null, null)), roles,
        InstantSource.system());
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

  /**
   * The tiers fully apart, one data directory: an origin-only instance (ffmpeg publishes to it), an
   * API-only instance (logins, stream-start, logout) and two edge-only instances. Two viewers play
   * through both edges with ffmpeg; the first logs out on the API instance and is refused at both
   * edges within about the catch-up interval, and its players stop early, while the second viewer's
   * players play on to the end.
   */
  @Test
  void logoutOnTheApiInstanceCutsTheViewerOffAtBothEdgesWhileAnotherViewerPlaysOn() throws Exception {
    TestKeycard origin = start(new Roles(EnumSet.of(Role.ORIGIN), null, Roles.DEFAULT_ORIGIN_TIMEOUT));
    TestKeycard api = start(new Roles(EnumSet.of(Role.API), null, Roles.DEFAULT_ORIGIN_TIMEOUT));
    List<TestKeycard> edges = List.of(
        start(new Roles(EnumSet.of(Role.EDGE), origin.http().base(), Roles.DEFAULT_ORIGIN_TIMEOUT)),
        start(new Roles(EnumSet.of(Role.EDGE), origin.http().base(), Roles.DEFAULT_ORIGIN_TIMEOUT)));
    api.addUser("viewer", "viewer's password", "stream:watch");
    api.addUser("other", "other's password", "stream:watch");
    StreamId cam = new StreamId("cam");
    origin.server().streaming().registry().register(cam);
    String key = origin.server().streaming().keys().issue(cam.value()).secret();
    FfmpegProcess publisher = FfmpegProcess.publish(dir.resolve("publisher.log"),
        origin.http().base() + "/ingest/cam/" + key + "/index.m3u8", List.of());
    running.add(publisher);
    awaitSegments(origin.server().streaming().origin(), cam, 3, publisher);

    String token = api.http().login("viewer", "viewer's password").json().getString("access_token");
    String ticket = ticket(api, token);
    String otherTicket = ticket(api, api.http().login("other", "other's password").json().getString("access_token"));
    List<Process> cut = new ArrayList<>();
    List<Process> playingOn = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      cut.add(play(edges.get(i).edgeBase() + ticket, "viewer-edge" + i, LONG_PLAY_SECONDS));
      playingOn.add(play(edges.get(i).edgeBase() + otherTicket, "other-edge" + i, LONG_PLAY_SECONDS));
    }
    // What the viewer's players reload: the media playlist of the viewer's playback session, at each edge.
    List<MediaClient> clients = edges.stream().map(e -> new MediaClient(e.edgeBase())).toList();
    List<String> mediaPlaylists = clients.stream()
        .map(c -> MediaClient.uriLines(c.get(ticket).text()).get(0)).toList();
    for (int i = 0; i < clients.size(); i++) {
      assertThat(clients.get(i).get(mediaPlaylists.get(i)).status()).isEqualTo(200);
    }
    Thread.sleep(3_000); // the players are playing

    long loggedOut = System.nanoTime();
    assertThat(api.http().post("/auth/logout", "application/json", "", "Authorization", "Bearer " + token).status())
        .isEqualTo(204);

    for (int i = 0; i < clients.size(); i++) {
      Duration refusedAfter = awaitRefused(clients.get(i), mediaPlaylists.get(i), loggedOut);
      assertThat(refusedAfter).as("edge %d refused the viewer after %s", i, refusedAfter).isLessThan(CUT_OFF_BOUND);
    }
    for (int i = 0; i < edges.size(); i++) {
      assertThat(finish(playingOn.get(i), "other-edge" + i)).as("the other viewer at edge %d", i)
          .isGreaterThanOrEqualTo(LONG_PLAY_SECONDS - 1.0);
      Process player = cut.get(i);
      assertThat(player.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(durationOrZero(dir.resolve("viewer-edge" + i + ".ts"))).as("the logged-out viewer at edge %d; its log:%n%s",
          i, read(dir.resolve("viewer-edge" + i + ".log"))).isLessThan(LONG_PLAY_SECONDS - 4.0);
    }
    assertThat(publisher.isAlive()).as(publisher.log()).isTrue();
  }

  /** Polls {@code url} until the edge refuses it as revoked; how long after {@code since} that was. */
  private static Duration awaitRefused(MediaClient edge, String url, long since) throws InterruptedException {
    long deadline = since + PROCESS_TIMEOUT_SECONDS * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      MediaClient.Reply reply = edge.get(url);
      if (reply.status() == 403) {
        assertThat(reply.text()).contains("\"error\":\"session_revoked\"");
        return Duration.ofNanos(System.nanoTime() - since);
      }
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      Thread.sleep(20);
    }
    throw new AssertionError("the edge never refused the logged-out viewer");
  }

  /** Waits for a player that should play to its end; the seconds it decoded. */
  private double finish(Process player, String name) throws Exception {
    Path log = dir.resolve(name + ".log");
    boolean finished = player.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!finished) {
      player.destroyForcibly();
    }
    assertThat(finished).as("player %s finished; its log:%n%s", name, read(log)).isTrue();
    assertThat(player.exitValue()).as("player %s; its log:%n%s", name, read(log)).isZero();
    return durationOf(dir.resolve(name + ".ts"));
  }

  /** The seconds decoded into {@code media}, 0 when the player wrote nothing it could close. */
  private double durationOrZero(Path media) throws IOException, InterruptedException {
    if (!java.nio.file.Files.exists(media) || java.nio.file.Files.size(media) == 0) {
      return 0;
    }
    try {
      return durationOf(media);
    } catch (NumberFormatException unreadable) {
      return 0;
    }
  }

  /** stream-start on the API instance: the ticket's path and query, good at either edge. */
  private static String ticket(TestKeycard api) {
    return ticket(api, api.http().login("viewer", "viewer's password").json().getString("access_token"));
  }

  private static String ticket(TestKeycard api, String token) {
    URI url = URI.create(api.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "cam"),
        "Authorization", "Bearer " + token).json().getString("playlist_url"));
    return url.getRawPath() + "?" + url.getRawQuery();
  }

  /** ffmpeg as a player: 6 s of the stream decoded (re-encoded small), into a file ffprobe can measure. */
  private Process play(String url, String name) throws IOException {
    return play(url, name, 6);
  }

  private Process play(String url, String name, int seconds) throws IOException {
    return new ProcessBuilder(SystemTools.require("ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-i", url, "-t", String.valueOf(seconds), "-vf", "scale=160:-2", "-c:v", "mpeg2video", "-q:v", "10", "-c:a", "mp2",
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
