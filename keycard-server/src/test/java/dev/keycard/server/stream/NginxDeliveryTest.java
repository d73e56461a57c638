package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.core.signedurl.RealNginx;
import dev.keycard.core.signedurl.UrlGrant;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.FfmpegProcess;
import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.HlsJsPlayer.PlayerState;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --url-scheme nginx} end to end with the real tools: a real nginx, configured with the
 * locations keycard renders, checks every playlist and segment request's directory token by itself
 * and pulls the files from keycard's origin ({@code /origin/...}, with the origin secret); stream-start
 * hands out the nginx URL; ffmpeg publishes into keycard and plays through nginx, and hls.js plays
 * in Chromium. Skipped loudly without nginx, ffmpeg or Chromium, failed in CI.
 */
class NginxDeliveryTest {
  private static final String NGINX_SECRET = "nginx-secret-0123456789abcdefghijABCDEF";
  private static final String ORIGIN_SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static final long PROCESS_TIMEOUT_SECONDS = 60;

  @TempDir
  static Path dir;
  static RealNginx nginx;
  static TestKeycard keycard;
  static TestHttp http;
  static MediaClient viewer;

  @BeforeAll
  static void start() throws Exception {
    if (RealNginx.find().isEmpty()) {
      return; // each test then skips (or fails in CI) in requireNginx()
    }
    // nginx must know keycard's port and keycard nginx's URL: keycard's port is chosen first.
    int apiPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      apiPort = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("nginx"));
    nginx = RealNginx.start(dir.resolve("nginx"), NginxDirectoryToken.of(NGINX_SECRET, false)
        .nginxLocations("http://127.0.0.1:" + apiPort, ORIGIN_SECRET).indent(4));
    CdnConfig cdn = new CdnConfig(ORIGIN_SECRET, "http://127.0.0.1:" + nginx.port(), NGINX_SECRET, null, null, null);
    keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")).withPort(apiPort),
        StreamingConfig.defaults().withCdn(UrlScheme.NGINX, cdn), InstantSource.system());
    http = keycard.http();
    viewer = new MediaClient("http://127.0.0.1:" + nginx.port());
    keycard.addUser("viewer", "viewer's password", "profile stream:watch");
  }

  @AfterAll
  static void stop() {
    if (keycard != null) {
      keycard.close();
    }
    if (nginx != null) {
      nginx.close();
    }
  }

  @BeforeEach
  void requireNginx() {
    RealNginx.requireNginx();
  }

  private static String startStream(String stream) {
    String token = http.login("viewer", "viewer's password").json().getString("access_token");
    Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", stream),
        "Authorization", "Bearer " + token);
    assertThat(started.status()).isEqualTo(200);
    assertThat(started.json().containsKey("cookies")).isFalse();
    return started.json().getString("playlist_url");
  }

  @Test
  void streamStartHandsOutAnNginxUrlForTheWholePlaybackSession() {
    String token = http.login("viewer", "viewer's password").json().getString("access_token");
    JsonObject started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token).json();

    assertThat(started.getString("playlist_url"))
        .matches("http://127\\.0\\.0\\.1:" + nginx.port() + "/s/[A-Za-z0-9_-]{22}/\\d+/live/demo/index\\.m3u8");
    long eightHours = Instant.now().plus(Duration.ofHours(8)).getEpochSecond();
    assertThat(started.getLong("expires_at")).isBetween(eightHours - 5, eightHours);
    assertThat(started.getString("playlist_url")).contains("/" + started.getLong("expires_at") + "/live/");
  }

  @Test
  void nginxServesTheOriginsPlaylistUnmodifiedAndEverySegmentItNames() {
    String url = startStream("demo");

    Reply playlist = viewer.get(url);

    assertThat(playlist.status()).as(nginx.log()).isEqualTo(200);
    OriginReply.Found held = (OriginReply.Found) keycard.server().streaming().origin().read(DemoStream.ID, "index.m3u8");
    assertThat(playlist.text()).isEqualTo(held.body().toString(StandardCharsets.UTF_8));
    assertThat(playlist.header("Cache-Control")).isEqualTo("public, max-age=1");
    assertThat(playlist.header("Access-Control-Allow-Origin")).isEqualTo("*");
    List<String> segments = MediaClient.uriLines(playlist.text());
    assertThat(segments).isNotEmpty();
    for (String segment : segments) {
      Reply reply = viewer.get(URI.create(url).resolve(segment).toString());
      assertThat(reply.status()).as(segment).isEqualTo(200);
      assertThat(reply.header("Content-Type")).isEqualTo("video/mp2t");
      assertThat(reply.body()[0]).isEqualTo((byte) 0x47);
    }
  }

  @Test
  void ffmpegPublishedStreamPlaysThroughNginxInFfmpeg() throws Exception {
    String ffmpeg = SystemTools.require("ffmpeg");
    String ffprobe = SystemTools.require("ffprobe");
    String secret = keycard.addClient("encoder", "stream:publish:cam");
    String publishToken = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("encoder", secret)).json().getString("access_token");
    assertThat(http.postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam"),
        "Authorization", "Bearer " + publishToken).status()).isEqualTo(201);

    try (FfmpegProcess publisher = FfmpegProcess.publish(dir.resolve("publisher.log"), http.base() + "/ingest/cam/index.m3u8",
        List.of("-headers", "Authorization: Bearer " + publishToken, "-t", "40"))) {
      awaitSegments(new StreamId("cam"), 3, publisher);
      String url = startStream("cam");
      assertThat(url).startsWith("http://127.0.0.1:" + nginx.port() + "/s/").endsWith("/live/cam/index.m3u8");

      Path played = dir.resolve("cam.ts");
      Path log = dir.resolve("player.log");
      Process player = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
          "-i", url, "-t", "10", "-c", "copy", "-y", played.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = player.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        player.destroyForcibly();
      }
      assertThat(finished).as("player finished; its log:\n" + Files.readString(log)).isTrue();
      assertThat(player.exitValue()).as("player exit code; its log:\n" + Files.readString(log) + nginx.log()).isZero();
      assertThat(durationOf(ffprobe, played)).isGreaterThanOrEqualTo(5.0);
    }
  }

  /** hls.js with its default configuration, on a page of another origin, plays nginx's URL as handed out. */
  @Test
  void hlsJsPlaysTheNginxUrlInChromiumFromAnotherOrigin() throws Exception {
    try (HlsJsPlayer player = HlsJsPlayer.start()) {
      PlayerState state = player.play(startStream("demo")).awaitPlayed(6, Duration.ofSeconds(60));

      assertThat(state.fatal()).as(nginx.log()).isNull();
      assertThat(state.errors()).isEmpty();
      assertThat(state.currentTime()).isGreaterThanOrEqualTo(6);
      assertThat(state.frames()).isPositive();
    }
  }

  @Test
  void nginxRefusesTamperedExpiredAndCrossStreamRequests() throws IOException {
    String url = startStream("demo");
    String path = URI.create(url).getRawPath();
    int h = "/s/".length();
    String tamperedHash = path.substring(0, h) + (path.charAt(h) == 'A' ? 'B' : 'A') + path.substring(h + 1);
    String expires = path.split("/")[3];
    String laterExpiry = path.replace("/" + expires + "/", "/" + (Long.parseLong(expires) + 3600) + "/");
    String expired = NginxDirectoryToken.of(NGINX_SECRET, false).signer()
        .sign(UrlGrant.of("/live/demo/index.m3u8", Instant.now().minusSeconds(2)));

    assertThat(viewer.get(path).status()).isEqualTo(200);
    assertThat(viewer.get(tamperedHash).status()).isEqualTo(403);
    assertThat(viewer.get(laterExpiry).status()).isEqualTo(403);
    assertThat(viewer.get(expired).status()).isEqualTo(410);
    assertThat(viewer.get(path.replace("/live/demo/", "/live/cam/")).status()).isEqualTo(403);
    assertThat(viewer.get(path.replace("/live/demo/", "/live/demo2/")).status()).isEqualTo(403);
    assertThat(viewer.get(path.replace("/live/demo/", "/live/dem/")).status()).isEqualTo(403);
    assertThat(rawStatus(path.replace("/live/demo/", "/live/cam/../demo/"))).isEqualTo(400);
    assertThat(rawStatus(path.replace("/live/demo/", "/live/demo/%2e%2e/cam/"))).isEqualTo(400);
    assertThat(rawStatus(path.replace("/live/demo/", "/live//demo/"))).isEqualTo(400);
    assertThat(rawStatus(path.replace("/live/demo/index", "/live/demo%2findex"))).isEqualTo(400);
    // Neither unsigned media nor keycard's origin route are reachable through nginx.
    assertThat(viewer.get("/live/demo/index.m3u8").status()).isIn(403, 404);
    assertThat(viewer.get("/origin/demo/index.m3u8").status()).isIn(403, 404);
  }

  /** Waits (bounded) until the origin holds a playlist naming {@code count} segments: the origin reports each update. */
  private static void awaitSegments(StreamId stream, int count, FfmpegProcess publisher) throws InterruptedException {
    LocalOrigin origin = keycard.server().streaming().origin();
    CountDownLatch published = new CountDownLatch(1);
    origin.onChange(path -> {
      if (path.equals(stream.entryPlaylistPath()) && origin.read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found found
          && found.body().toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(".ts")).count() >= count) {
        published.countDown();
      }
    });
    assertThat(published.await(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("the publisher pushed %d segments; its log:%n%s", count, publisher.log()).isTrue();
  }

  private static int rawStatus(String target) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), nginx.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(response.substring(9, 12));
    }
  }

  private static double durationOf(String ffprobe, Path media) throws IOException, InterruptedException {
    Process probe = new ProcessBuilder(ffprobe, "-v", "error", "-show_entries", "format=duration",
        "-of", "default=noprint_wrappers=1:nokey=1", media.toString()).redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertThat(probe.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return Double.parseDouble(output);
  }
}
