package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.core.stream.IssuedStreamKey;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKeys;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 6 with the real encoder: ffmpeg publishing with a stream key, run with the options the
 * README shows ({@code -method PUT -http_persistent 1}, the key in the URL). A wrong, foreign or
 * revoked key, or one revoked while ffmpeg runs, makes ffmpeg exit non-zero with an error line within
 * seconds (the process timeout is the bound, nothing sleeps); a good key publishes past the end of
 * the access tokens' life. Skipped loudly without ffmpeg, failed in CI.
 */
class FfmpegStreamKeyTest {
  /** ffmpeg stops at its second upload after a refusal: about 2 segments of 2 s, plus its own start. */
  private static final long REFUSED_WITHIN_SECONDS = 30;
  private static final Duration TOKEN_LIFE = Duration.ofMinutes(1);
  private static final int PUBLISH_SECONDS = 75;

  @TempDir
  static Path dir;
  static TestKeycard keycard;
  static StreamKeys keys;
  static String ffmpeg;

  @BeforeAll
  static void start() {
    // Access tokens live one minute, with no clock skew: a token taken when ffmpeg starts is dead
    // 60 s later, well before the publish below ends.
    ServerConfig c = TestKeycard.config(dir.resolve("data"));
    ServerConfig shortTokens = new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(), TOKEN_LIFE,
        c.tokenFormat(), c.algorithm(), null, Duration.ZERO, c.refreshIdleTtl(), c.refreshAbsoluteTtl(),
        c.refreshGrace(), c.maxTokenSize());
    keycard = TestKeycard.start(shortTokens, InstantSource.system());
    keys = keycard.server().streaming().keys();
    for (String stream : new String[] {"cam1", "cam2", "cam3", "cam4", "cam5"}) {
      keycard.server().streaming().registry().register(new StreamId(stream));
    }
  }

  @AfterAll
  static void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  @BeforeEach
  void requireFfmpeg() {
    ffmpeg = SystemTools.require("ffmpeg");
  }

  /** The README's publishing command, with the test's URL; {@code seconds} bounds its run (0: no bound). */
  private static Process publish(String stream, String key, int seconds, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
        "-c:v", "libx264", "-g", "60", "-c:a", "aac",
        "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
        "-method", "PUT", "-http_persistent", "1"));
    if (seconds > 0) {
      command.addAll(List.of("-t", Integer.toString(seconds)));
    }
    command.add(keycard.http().base() + "/ingest/" + stream + "/" + key + "/index.m3u8");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for ffmpeg to give up on its own, and checks it said why. */
  private static void assertStopsWithAnError(Process ffmpegProcess, Path log) throws Exception {
    long from = System.nanoTime();
    boolean exited = ffmpegProcess.waitFor(REFUSED_WITHIN_SECONDS, TimeUnit.SECONDS);
    System.out.printf("ffmpeg exited %.1f s after the wait began (%s)%n", (System.nanoTime() - from) / 1e9,
        log.getFileName());
    if (!exited) {
      ffmpegProcess.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    assertThat(exited).as("ffmpeg stopped by itself within %d s; its log:%n%s", REFUSED_WITHIN_SECONDS, output).isTrue();
    assertThat(ffmpegProcess.exitValue()).as(output).isNotZero();
    assertThat(output).contains("Connection reset by peer").contains("Failed to open file");
  }

  @Test
  void wrongKeyStopsTheEncoderWithAnError() throws Exception {
    Path log = dir.resolve("wrong.log");
    Process p = publish("cam5", "kcsk_" + "E".repeat(43), 0, log);

    assertStopsWithAnError(p, log);
    assertThat(keycard.server().streaming().origin().segmentCount(new StreamId("cam5"))).isZero();
  }

  @Test
  void anotherStreamsKeyStopsTheEncoderWithAnError() throws Exception {
    String cam2Key = keys.issue("cam2").secret();
    Path log = dir.resolve("foreign.log");

    assertStopsWithAnError(publish("cam1", cam2Key, 0, log), log);
  }

  @Test
  void revokedKeyStopsTheEncoderWithAnError() throws Exception {
    IssuedStreamKey issued = keys.issue("cam3");
    keys.revoke("cam3", issued.key().keyId());
    Path log = dir.resolve("revoked.log");

    assertStopsWithAnError(publish("cam3", issued.secret(), 0, log), log);
  }

  @Test
  void keyRevokedWithTheCliWhileTheEncoderRunsStopsIt() throws Exception {
    IssuedStreamKey issued = keys.issue("cam4");
    Path log = dir.resolve("revoked-live.log");
    Process p = publish("cam4", issued.secret(), 0, log);
    try {
      awaitSegments(new StreamId("cam4"), 2, p, log);

      // Another process, as an operator would: the server learns it from the database at the next upload.
      StringWriter err = new StringWriter();
      int code = KeycardCommand.execute(new String[] {"streams", "keys", "revoke", "cam4", issued.key().keyId(),
          "--data-dir", dir.resolve("data").toString()}, new ByteArrayInputStream(new byte[0]),
          new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of());
      assertThat(code).as(err.toString()).isZero();

      assertStopsWithAnError(p, log);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void goodKeyPublishesPastTheAccessTokensLifeAndLogsNoSecret() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    IssuedStreamKey issued = keys.issue("cam1");
    String token = publishToken();
    Instant tokenDeadAt = Instant.now().plus(TOKEN_LIFE);
    Path log = dir.resolve("long.log");
    Process p = publish("cam1", issued.secret(), PUBLISH_SECONDS, log);
    try {
      boolean exited = p.waitFor(PUBLISH_SECONDS + 40, TimeUnit.SECONDS);
      String output = Files.readString(log);
      assertThat(exited).as(output).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
    } finally {
      p.destroyForcibly();
      root.detachAppender(captured);
    }

    JsonObject status = keycard.http().get("/api/v1/streams/cam1", "Authorization", "Bearer " + publishToken()).json();
    assertThat(status.getBoolean("live")).as(status.encode()).isTrue();
    assertThat(Instant.parse(status.getString("last_playlist_at"))).isAfter(tokenDeadAt);
    assertThat(status.getLong("segments")).as(status.encode()).isGreaterThanOrEqualTo(PUBLISH_SECONDS / 2 - 3);
    assertThat(status.getJsonArray("refused")).as(status.encode()).isEmpty();
    assertThat(status.getValue("last_error")).isNull();
    // The token taken at the start is dead by now; the key never was.
    MediaClient api = new MediaClient(keycard.http().base());
    assertThat(api.put("/ingest/cam1/seg-x.ts", Media.ts(2, 1), token).status()).isEqualTo(401);
    for (ILoggingEvent event : captured.list) {
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(text).doesNotContain(issued.secret()).doesNotContain("kcsk_").doesNotContain(token);
      assertThat(event.getThrowableProxy()).as("a stack trace: %s", text).isNull();
    }
    assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.contains("stream cam1 receiving uploads from stream key " + issued.key().keyId()));
  }

  @Test
  void bearerTokenExpiringWhileTheEncoderRunsStopsIt() throws Exception {
    // Issue 6: a publishing token that expired mid-stream used to look like success to ffmpeg.
    ServerConfig c = TestKeycard.config(dir.resolve("short-data"));
    ServerConfig tenSeconds = new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(),
        Duration.ofSeconds(10), c.tokenFormat(), c.algorithm(), null, Duration.ZERO, c.refreshIdleTtl(),
        c.refreshAbsoluteTtl(), c.refreshGrace(), c.maxTokenSize());
    try (TestKeycard shortLived = TestKeycard.start(tenSeconds, InstantSource.system())) {
      shortLived.server().streaming().registry().register(new StreamId("cam1"));
      String secret = shortLived.addClient("encoder", "stream:publish:cam1");
      String token = shortLived.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("encoder", secret)).json().getString("access_token");
      Path log = dir.resolve("expiring-token.log");
      Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
          "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
          "-c:v", "libx264", "-g", "60", "-c:a", "aac",
          "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
          "-method", "PUT", "-http_persistent", "1", "-headers", "Authorization: Bearer " + token + "\r\n",
          shortLived.http().base() + "/ingest/cam1/index.m3u8")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        assertStopsWithAnError(p, log);
        IngestStatus status = shortLived.server().streaming().activity().status(new StreamId("cam1"), false);
        assertThat(status.segments()).as("it published while the token lived").isPositive();
        assertThat(status.refused()).extracting(IngestStatus.Event::description).contains("The access token expired");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  private static String publishToken() {
    TestHttp http = keycard.http();
    String secret;
    try {
      secret = keycard.addClient("encoder", "stream:publish");
      encoderSecret = secret;
    } catch (IllegalStateException exists) {
      secret = encoderSecret;
    }
    return http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("encoder", secret)).json().getString("access_token");
  }

  private static String encoderSecret;

  /** Waits (bounded) until the encoder's playlist names {@code count} segments: no polling, no sleep. */
  private static void awaitSegments(StreamId stream, int count, Process publisher, Path log) throws Exception {
    LocalOrigin origin = keycard.server().streaming().origin();
    CountDownLatch published = new CountDownLatch(1);
    origin.onChange(path -> {
      if (path.equals(stream.entryPlaylistPath())
          && origin.read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found found
          && found.body().toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(".ts")).count() >= count) {
        published.countDown();
      }
    });
    if (!published.await(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the publisher did not push " + count + " segments (alive: " + publisher.isAlive()
          + "); its log:\n" + Files.readString(log));
    }
  }
}
