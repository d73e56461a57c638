package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.RawHttp;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused upload ends its connection with a reset (so ffmpeg stops, see FfmpegStreamKeyTest), yet
 * clients that read answers (curl, java.net.http) still read the 4xx, also when the refusal came
 * before megabytes of body, and never send a request on the reset connection.
 */
class RefusedUploadTest {
  private static final String BAD_KEY = "kcsk_" + "D".repeat(43);
  private static final byte[] SEGMENT = Media.ts(16_000, 3); // 3 MB: refused long before it is sent

  @TempDir
  static Path dir;
  static TestKeycard keycard;
  static String key;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dir.resolve("data"));
    keycard.server().streaming().registry().register(new StreamId("cam1"));
    key = keycard.server().streaming().keys().issue("cam1").secret();
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void curlReadsTheRefusalOfABigUploadChunkedOrNot() throws Exception {
    String curl = SystemTools.require("curl");
    Path body = dir.resolve("segment.ts");
    Files.write(body, SEGMENT);
    String url = keycard.http().base() + "/ingest/cam1/" + BAD_KEY + "/seg-0.ts";
    for (int i = 0; i < 5; i++) {
      for (List<String> extra : List.of(List.<String>of(), List.of("-H", "Transfer-Encoding: chunked"))) {
        List<String> command = new ArrayList<>(List.of(curl, "-sS", "-T", body.toString(), "-w", "\n%{http_code}"));
        command.addAll(extra);
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as(output).endsWith("\n403").contains("\"error\":\"invalid_stream_key\"");
      }
    }
  }

  @Test
  void javaClientReadsEveryRefusalAndItsNextUploadSucceeds() {
    MediaClient api = new MediaClient(keycard.http().base());
    for (int i = 0; i < 10; i++) {
      MediaClient.Reply refused = api.putChunked("/ingest/cam1/" + BAD_KEY + "/seg-" + i + ".ts", SEGMENT);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(new JsonObject(refused.text()).getString("error")).isEqualTo("invalid_stream_key");
      MediaClient.Reply small = api.put("/ingest/cam1/" + BAD_KEY + "/seg-" + i + ".ts", Media.ts(2, 3));
      assertThat(small.status()).isEqualTo(403);
    }
    assertThat(api.put("/ingest/cam1/" + key + "/seg-0.ts", Media.ts(2, 3)).status()).isIn(201, 204);
  }

  @Test
  void refusalOnAKeptAliveConnectionIsResetAfterTheAnswer() throws IOException {
    try (Socket socket = socket()) {
      send(socket, "PUT /ingest/cam1/" + BAD_KEY + "/seg-0.ts HTTP/1.1\r\nHost: x\r\nContent-Length: 376\r\n\r\n",
          Media.ts(2, 3));
      InputStream in = socket.getInputStream();

      String answer = RawHttp.readAnswer(in);

      assertThat(answer).startsWith("HTTP/1.1 403").containsIgnoringCase("connection: close");
      assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }

  @Test
  void refusalOnAConnectionTheClientClosesAnywayEndsGracefully() throws IOException {
    try (Socket socket = socket()) {
      send(socket, "PUT /ingest/cam1/" + BAD_KEY + "/seg-0.ts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + "Content-Length: 376\r\n\r\n", Media.ts(2, 3));
      InputStream in = socket.getInputStream();

      assertThat(RawHttp.readAnswer(in)).startsWith("HTTP/1.1 403");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void acceptedUploadKeepsTheConnection() throws IOException {
    try (Socket socket = socket()) {
      for (int i = 0; i < 2; i++) {
        send(socket, "PUT /ingest/cam1/" + key + "/seg-" + i + ".ts HTTP/1.1\r\nHost: x\r\nContent-Length: 376\r\n\r\n",
            Media.ts(2, 3));
        assertThat(RawHttp.readAnswer(socket.getInputStream())).matches("(?s)HTTP/1.1 20[14].*");
      }
    }
  }

  private static Socket socket() throws IOException {
    Socket socket = new Socket("127.0.0.1", keycard.server().port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String head, byte[] body) throws IOException {
    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
  }
}
