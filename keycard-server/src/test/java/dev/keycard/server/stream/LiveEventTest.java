package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.FfmpegProcess;
import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.HlsJsPlayer.PlayerState;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A live event as its users run it, in real time, with every credential short-lived: access tokens
 * and stream-start's URL live one minute, and nothing renews them on the player side.
 *
 * <ul>
 *   <li>Two encoders (real ffmpeg, the command docs/streaming.md gives) publish with stream keys: one a
 *       media playlist, one a multivariant playlist of two renditions.
 *   <li>Viewer Alice watches the first in hls.js (default configuration, real Chromium) and in ffmpeg;
 *       viewer Bob watches the second the same two ways.
 *   <li>Everyone plays for over three minutes, three times the life of every credential they were
 *       handed, with no playback error; the encoders publish on across the token expiries.
 *   <li>Then Alice logs out: both her players stop within the segment-URL life (20 s), while Bob plays on.
 *   <li>The server's log holds no stack trace, token or stream key.
 * </ul>
 */
class LiveEventTest {
  private static final Duration CREDENTIAL_LIFE = Duration.ofMinutes(1);
  private static final long PLAY_SECONDS = 185;
  /** The edge signs segment URLs for 20 s; players notice a refused reload within a target duration or two. */
  private static final long CUT_OFF_SECONDS = 30;

  @TempDir
  Path dir;

  @Test
  void viewersPlayForThreeMinutesOnOneMinuteCredentialsAndALogoutStopsOnlyThatViewer() throws Exception {
    SystemTools.require("ffprobe");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    List<String> secrets = new ArrayList<>();
    StreamingConfig streaming = StreamingConfig.defaults().withPlaylistUrlTtl(CREDENTIAL_LIFE)
        .withPlaybackSession(Duration.ofMinutes(10), false);
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data"), CREDENTIAL_LIFE), streaming,
            InstantSource.system());
        HlsJsPlayer browser = HlsJsPlayer.start()) {
      TestHttp http = keycard.http();
      keycard.addUser("alice", "alice's password", "stream:watch");
      keycard.addUser("bob", "bob's password", "stream:watch");
      String adminSecret = keycard.addClient("studio", "stream:publish");
      String admin = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("studio", adminSecret)).json().getString("access_token");
      String eventKey = streamKey(http, admin, "event");
      String multiKey = streamKey(http, admin, "multi");
      secrets.addAll(List.of(adminSecret, admin, eventKey, multiKey));

      try (FfmpegProcess event = FfmpegProcess.publish(dir.resolve("event-encoder.log"),
              http.base() + "/ingest/event/" + eventKey + "/index.m3u8", List.of());
          FfmpegProcess multi = FfmpegProcess.publishRenditions(dir.resolve("multi-encoder.log"),
              http.base() + "/ingest/multi/" + multiKey)) {
        awaitLive(keycard, "event", event);
        awaitLive(keycard, "multi", multi);

        Viewer alice = Viewer.start(http, browser, dir, "alice", "alice's password", "event");
        Viewer bob = Viewer.start(http, browser, dir, "bob", "bob's password", "multi");
        secrets.addAll(alice.secrets());
        secrets.addAll(bob.secrets());
        try (alice; bob) {
          long start = System.nanoTime();
          boolean checkedExpiry = false;
          while (seconds(start) < PLAY_SECONDS) {
            Thread.sleep(5_000);
            alice.assertPlaying();
            bob.assertPlaying();
            assertThat(event.isAlive()).as("event encoder; its log:\n%s", event.log()).isTrue();
            assertThat(multi.isAlive()).as("multi encoder; its log:\n%s", multi.log()).isTrue();
            if (!checkedExpiry && seconds(start) > CREDENTIAL_LIFE.toSeconds() + 35) {
              // Every credential a viewer was handed has expired (tokens after a 30 s clock skew), and
              // no player noticed.
              assertThat(http.me(alice.accessToken).status()).isEqualTo(401);
              assertThat(TestHttp.at(keycard.server().edgeBaseUrl()).get(alice.playlistUrl.substring(
                  keycard.server().edgeBaseUrl().length())).status()).isEqualTo(410);
              checkedExpiry = true;
            }
          }
          assertThat(checkedExpiry).isTrue();

          alice.logOut(http);
          long loggedOut = System.nanoTime();
          while (seconds(loggedOut) < CUT_OFF_SECONDS && (!alice.stopped() || alice.ffmpeg.isAlive())) {
            Thread.sleep(1_000);
            bob.assertPlaying();
          }
          assertThat(alice.stopped()).as("Alice's hls.js stopped within %d s: %s", CUT_OFF_SECONDS,
              alice.tab.state()).isTrue();
          assertThat(alice.ffmpeg.isAlive()).as("Alice's ffmpeg stopped within %d s", CUT_OFF_SECONDS).isFalse();
          assertThat(alice.ffmpeg.log()).contains("403");
          while (seconds(loggedOut) < CUT_OFF_SECONDS + 10) {
            Thread.sleep(5_000);
            bob.assertPlaying();
          }
          assertThat(alice.recordedSeconds()).isGreaterThanOrEqualTo(PLAY_SECONDS - 10);
          bob.ffmpeg.close();
          assertThat(bob.recordedSeconds()).isGreaterThanOrEqualTo(PLAY_SECONDS);
          assertThat(event.isAlive()).as("event encoder; its log:\n%s", event.log()).isTrue();
          assertThat(multi.isAlive()).as("multi encoder; its log:\n%s", multi.log()).isTrue();
        }
      }
    } finally {
      root.detachAppender(log);
    }
    for (ILoggingEvent e : log.list) {
      String text = e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(e.getThrowableProxy()).as("a stack trace in the log: %s", text).isNull();
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  private static String streamKey(TestHttp http, String token, String stream) {
    assertThat(http.postJson("/api/v1/streams", new JsonObject().put("stream_id", stream),
        "Authorization", "Bearer " + token).status()).isIn(200, 201);
    TestHttp.Answer key = http.postJson("/api/v1/streams/" + stream + "/keys", new JsonObject(),
        "Authorization", "Bearer " + token);
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    return key.json().getString("stream_key");
  }

  private static void awaitLive(TestKeycard keycard, String stream, FfmpegProcess encoder) throws InterruptedException {
    LocalOrigin origin = keycard.server().streaming().origin();
    for (int i = 0; i < 60 && !(origin.read(new StreamId(stream), StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found); i++) {
      Thread.sleep(500);
    }
    assertThat(origin.read(new StreamId(stream), StreamId.ENTRY_PLAYLIST))
        .as("%s is live; encoder log:\n%s", stream, encoder.log()).isInstanceOf(OriginReply.Found.class);
    Thread.sleep(4_000); // a few segments, so players start with a buffer
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** One viewer: logged in once, stream started once, playing in a browser tab and in ffmpeg. */
  private static final class Viewer implements AutoCloseable {
    final String accessToken;
    final String refreshToken;
    final String playlistUrl;
    final HlsJsPlayer.Tab tab;
    final FfmpegProcess ffmpeg;
    final Path recording;
    private PlayerState lastSeen;
    private long lastAdvancedAt = System.nanoTime();

    private Viewer(String accessToken, String refreshToken, String playlistUrl, HlsJsPlayer.Tab tab,
        FfmpegProcess ffmpeg, Path recording) {
      this.accessToken = accessToken;
      this.refreshToken = refreshToken;
      this.playlistUrl = playlistUrl;
      this.tab = tab;
      this.ffmpeg = ffmpeg;
      this.recording = recording;
    }

    static Viewer start(TestHttp http, HlsJsPlayer browser, Path dir, String user, String password, String stream) {
      JsonObject tokens = http.login(user, password).json();
      String access = tokens.getString("access_token");
      TestHttp.Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", stream),
          "Authorization", "Bearer " + access);
      assertThat(started.status()).isEqualTo(200);
      String url = started.json().getString("playlist_url");
      Path recording = dir.resolve(user + ".ts");
      return new Viewer(access, tokens.getString("refresh_token"), url, browser.play(url),
          FfmpegProcess.play(dir.resolve(user + "-player.log"), url, recording), recording);
    }

    List<String> secrets() {
      return List.of(accessToken, refreshToken);
    }

    /**
     * No network error (every playlist and segment answered 200) and no fatal error in hls.js, the video
     * moving on, and ffmpeg still reading. hls.js also reports a stall of its own buffer as a non-fatal
     * media error; on a loaded two-core machine an encoder running late can cause one, and the video
     * resumes, so stalls only count if the video stops moving.
     */
    void assertPlaying() {
      PlayerState now = tab.state();
      assertThat(now.errors()).as("hls.js errors other than buffer stalls")
          .allSatisfy(e -> assertThat(e.get("details")).isIn("bufferStalledError", "bufferNudgeOnStall"));
      assertThat(now.fatal()).isNull();
      if (lastSeen == null || now.currentTime() > lastSeen.currentTime()) {
        lastAdvancedAt = System.nanoTime();
      }
      assertThat(seconds(lastAdvancedAt)).as("seconds since the video last moved: %s", now).isLessThan(10);
      lastSeen = now;
      assertThat(ffmpeg.isAlive()).as("ffmpeg player; its log:\n%s", ffmpeg.log()).isTrue();
    }

    /** The video has not moved for 5 s, or hls.js gave up. */
    boolean stopped() throws InterruptedException {
      PlayerState a = tab.state();
      if (a.fatal() != null) {
        return true;
      }
      Thread.sleep(5_000);
      return tab.state().currentTime() == a.currentTime();
    }

    /** As an app does: a fresh access token first (the first has long expired), then log out. */
    void logOut(TestHttp http) {
      String fresh = http.refresh(refreshToken).json().getString("access_token");
      assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + fresh).status()).isEqualTo(204);
    }

    double recordedSeconds() throws IOException, InterruptedException {
      Process probe = new ProcessBuilder(SystemTools.require("ffprobe"), "-v", "error", "-show_entries",
          "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", recording.toString())
          .redirectErrorStream(true).start();
      String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return Double.parseDouble(output);
    }

    @Override
    public void close() {
      ffmpeg.close();
    }
  }
}
