package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keycard.server.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AbortiveClose} on both transports Vert.x may run on: the answer written before the close
 * arrives whole, and the close reaches the client as a reset (what stops ffmpeg), not a FIN.
 */
class AbortiveCloseTest {
  private Vertx vertx;

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void answerArrivesThenTheConnectionIsResetWithNio() throws IOException {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    assertThat(vertx.isNativeTransportEnabled()).isFalse();

    assertAnswerThenReset(start());
  }

  @Test
  void answerArrivesThenTheConnectionIsResetWithEpoll() throws IOException {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assumeTrue(vertx.isNativeTransportEnabled(), "no native transport on this platform (keycard then runs on NIO)");

    assertAnswerThenReset(start());
  }

  private int start() {
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      request.response().setStatusCode(403).putHeader("Content-Type", "application/json")
          .putHeader("Connection", "close").end("{\"error\":\"invalid_stream_key\"}");
      AbortiveClose.reset(request.connection());
    });
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private static void assertAnswerThenReset(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nG"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();

      String answer = RawHttp.readAnswer(in);

      assertThat(answer).startsWith("HTTP/1.1 403").endsWith("{\"error\":\"invalid_stream_key\"}");
      assertThatThrownBy(() -> in.read()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }
}
