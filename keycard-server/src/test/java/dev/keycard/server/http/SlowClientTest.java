package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.store.h2.H2Database;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.RawConnection;
import dev.keycard.server.testing.RawConnection.Answer;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import dev.keycard.server.stream.OriginReply;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow, stalled and silent clients, on both listeners (the API and the edge), against a real server
 * with short limits: each is answered (408 when the client is the slow one) and let go, or just let go
 * when it never asked anything, within its timeout; a slow but steady upload is never cut.
 */
class SlowClientTest {
  static final Duration HEADER_TIMEOUT = Duration.ofMillis(1000);
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1000);
  static final Duration IDLE_TIMEOUT = Duration.ofMillis(3000);
  /** Generous: a timeout fires on time, but a loaded two-core CI machine may add seconds. */
  static final Duration SLACK = Duration.ofSeconds(5);

  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static String publishToken;

  /** The embedded database, opened here so a test can take every pooled connection. */
  static H2Database database;

  @BeforeAll
  static void start() {
    database = H2Database.open(dataDir);
    keycard = TestKeycard.start(TestKeycard.config(dataDir)
            .withLimits(new ListenerLimits(HEADER_TIMEOUT, REQUEST_TIMEOUT, IDLE_TIMEOUT, 8192)),
        StreamingConfig.defaults(), InstantSource.system(), c -> database.stores());
    String secret = keycard.addClient("encoder", "stream:publish");
    publishToken = keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("encoder", secret)).json().getString("access_token");
    assertThat(keycard.http().postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam"),
        "Authorization", "Bearer " + publishToken).status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  static int port(String listener) {
    return listener.equals("api") ? keycard.server().port() : keycard.server().edgePort();
  }

  /** A request each listener answers at once: the API's health check, a refused (unsigned) edge URL. */
  static String quickRequest(String listener) {
    return (listener.equals("api") ? "GET /health" : "GET /live/cam/seg-0.ts") + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  private static void assertTimedOut(Answer answer) {
    assertThat(answer).as("an answer").isNotNull();
    assertThat(answer.status()).isEqualTo(408);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.json().getString("error")).isEqualTo("request_timeout");
    assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "edge"})
  void slowlorisHeadersGet408AndTheirConnectionIsClosed(String listener) {
    try (RawConnection slow = new RawConnection(port(listener))) {
      long started = System.nanoTime();
      slow.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      Answer answer = null;
      // One header byte every 200 ms, as a slowloris does: never idle, never done.
      while (answer == null && System.nanoTime() - started < HEADER_TIMEOUT.plus(SLACK).toNanos()) {
        slow.send("a");
        answer = slow.readAnswer(Duration.ofMillis(200));
      }
      assertTimedOut(answer);
      assertThat(slow.awaitClose(SLACK)).as("closed by the server").isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "edge"})
  void connectionThatSendsNothingIsClosedWithoutAnAnswer(String listener) {
    try (RawConnection silent = new RawConnection(port(listener))) {
      assertThat(silent.awaitClose(HEADER_TIMEOUT.plus(SLACK))).as("closed by the server").isTrue();
      assertThat(silent.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "edge"})
  void keepAliveConnectionOutlivesTheHeaderTimeoutBetweenRequestsAndClosesWhenIdle(String listener)
      throws InterruptedException {
    try (RawConnection client = new RawConnection(port(listener))) {
      client.send(quickRequest(listener));
      assertThat(client.readAnswer(SLACK)).isNotNull();
      // Longer than the header timeout: the wait between two requests is idle time, not a slow head.
      Thread.sleep(HEADER_TIMEOUT.multipliedBy(3).dividedBy(2).toMillis());
      client.send(quickRequest(listener));
      assertThat(client.readAnswer(SLACK)).as("the second answer on the kept-alive connection").isNotNull();
      long idleSince = System.nanoTime();
      assertThat(client.awaitClose(IDLE_TIMEOUT.plus(SLACK))).as("closed when idle").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isGreaterThan(IDLE_TIMEOUT.minusMillis(500));
    }
  }

  @Test
  void stalledFormBodyGets408AndItsConnectionIsClosed() {
    try (RawConnection stalled = new RawConnection(port("api"))) {
      stalled.send("POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded"
          + "\r\nContent-Length: 100\r\n\r\ngrant_type");
      assertTimedOut(stalled.readAnswer(REQUEST_TIMEOUT.plus(SLACK)));
      assertThat(stalled.awaitClose(SLACK)).as("closed by the server").isTrue();
    }
  }

  @Test
  void stalledIngestUploadGets408AndItsConnectionIsClosed() {
    try (RawConnection stalled = new RawConnection(port("api"))) {
      byte[] part = Media.ts(100, 1);
      stalled.send(ingestHead("seg-1.ts", part.length * 10));
      stalled.send(part);
      assertTimedOut(stalled.readAnswer(REQUEST_TIMEOUT.multipliedBy(2).plus(SLACK)));
      assertThat(stalled.awaitClose(SLACK)).as("closed by the server").isTrue();
    }
  }

  @Test
  void slowButSteadyIngestUploadIsNotCut() throws InterruptedException {
    try (RawConnection steady = new RawConnection(port("api"))) {
      byte[] segment = Media.ts(20, 2);
      steady.send(ingestHead("seg-2.ts", segment.length));
      // Four times the request timeout in all, one packet every quarter of it: slow, never stalled.
      long started = System.nanoTime();
      for (int i = 0; i < segment.length; i += 188) {
        assertThat(steady.send(Arrays.copyOfRange(segment, i, i + 188))).isTrue();
        Thread.sleep(REQUEST_TIMEOUT.dividedBy(5).toMillis());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(REQUEST_TIMEOUT.multipliedBy(3));
      Answer answer = steady.readAnswer(SLACK);
      assertThat(answer).isNotNull();
      assertThat(answer.status()).isEqualTo(201);
    }
  }

  @Test
  void answerNotReadyInTimeBecauseTheStoreHangsGets503AndTheConnectionStaysUsable() throws Exception {
    // Every pooled database connection taken: the login's worker waits for one, as behind a hung store.
    HikariDataSource pool = (HikariDataSource) database.dataSource();
    List<Connection> taken = new ArrayList<>();
    try (RawConnection client = new RawConnection(port("api"))) {
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
        taken.add(pool.getConnection());
      }
      String body = "{\"username\":\"nobody\",\"password\":\"whatever-it-is\"}";
      client.send("POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body);
      Answer answer = client.readAnswer(REQUEST_TIMEOUT.plus(SLACK));
      assertThat(answer).as("an answer").isNotNull();
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.json().getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(answer.header("Connection")).isNull();

      client.send(quickRequest("api"));
      Answer next = client.readAnswer(SLACK);
      assertThat(next).as("the next answer on the same connection").isNotNull();
      assertThat(next.status()).isEqualTo(200);
    } finally {
      for (Connection c : taken) {
        c.close();
      }
    }
  }

  @Test
  void ingestLogsNoStackTraceWhenItsRequestTimeoutHasPassed() throws InterruptedException {
    try (CapturedLogs logs = new CapturedLogs()) {
      MediaClient media = new MediaClient(keycard.http().base());
      assertThat(media.put("/ingest/cam/seg-3.ts", Media.ts(50, 3), publishToken).status()).isEqualTo(201);
      assertThat(media.putChunked("/ingest/cam/seg-4.ts", Media.ts(50, 4), publishToken).status()).isEqualTo(201);
      assertThat(media.put("/ingest/cam/index.m3u8", Media.livePlaylist(3, 2), publishToken).status()).isEqualTo(201);
      assertThat(media.delete("/ingest/cam/seg-3.ts", publishToken).status()).isEqualTo(204);
      Thread.sleep(REQUEST_TIMEOUT.multipliedBy(3).toMillis());
      assertThat(logs.stackTraces()).isEmpty();
    }
  }

  /**
   * The issue's own reproduction: a whole ffmpeg publish (one PUT per segment and per playlist) with
   * the request timeout passing after each of them; the log holds no stack trace.
   */
  @Test
  void ffmpegPublishLogsNoStackTrace() throws Exception {
    String ffmpeg = SystemTools.require("ffmpeg");
    assertThat(keycard.http().postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam2"),
        "Authorization", "Bearer " + publishToken).status()).isEqualTo(201);
    Path publisherLog = dataDir.resolve("publisher.log");
    try (CapturedLogs logs = new CapturedLogs()) {
      Process publisher = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
          "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-c:v", "libx264", "-g", "10", "-t", "4",
          "-f", "hls", "-hls_time", "1", "-hls_list_size", "3", "-method", "PUT",
          "-headers", "Authorization: Bearer " + publishToken, keycard.http().base() + "/ingest/cam2/index.m3u8")
          .redirectErrorStream(true).redirectOutput(publisherLog.toFile()).start();
      if (!publisher.waitFor(60, TimeUnit.SECONDS)) {
        publisher.destroyForcibly();
      }
      assertThat(publisher.exitValue()).as("ffmpeg's exit code; its log: " + Files.readString(publisherLog)).isZero();
      Thread.sleep(REQUEST_TIMEOUT.multipliedBy(3).toMillis());
      assertThat(keycard.server().streaming().origin().read(new StreamId("cam2"), StreamId.ENTRY_PLAYLIST))
          .isInstanceOf(OriginReply.Found.class);
      assertThat(logs.stackTraces()).isEmpty();
    }
  }

  private static String ingestHead(String file, int length) {
    return "PUT /ingest/cam/" + file + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + publishToken
        + "\r\nContent-Length: " + length + "\r\n\r\n";
  }
}
