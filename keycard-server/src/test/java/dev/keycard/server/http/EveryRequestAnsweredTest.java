package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.RawConnection;
import dev.keycard.server.testing.RawConnection.Answer;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No request goes unanswered, on either listener: each class of bad input, sent over a raw socket,
 * gets a JSON 4xx within a deadline, and the server logs no stack trace for any of them (at most
 * one short line).
 */
class EveryRequestAnsweredTest {
  static final Duration TIMEOUT = Duration.ofMillis(1000);
  /** The deadline of an answer: the timeouts plus a loaded two-core CI machine's delays. */
  static final Duration DEADLINE = TIMEOUT.multipliedBy(2).plusSeconds(5);

  @TempDir
  static Path dataDir;
  static TestKeycard keycard;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir,
        c -> c.withLimits(new ListenerLimits(TIMEOUT, TIMEOUT, TIMEOUT.multipliedBy(3), 8192)));
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  /** A bad request: what is sent, and the status expected ({@code 0}: any 4xx). */
  record Bad(String name, String request, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Bad> everywhere() {
    return List.of(
        new Bad("HTTP/1.1 without Host", "GET /health HTTP/1.1\r\n\r\n", 400),
        new Bad("two Host headers", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        new Bad("invalid Host", "GET /health HTTP/1.1\r\nHost: a b\r\n\r\n", 0),
        new Bad("request line too long", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        new Bad("headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(80_000) + "\r\n\r\n", 431),
        new Bad("garbage request line", "\u0001\u0002 what\r\n\r\n", 400),
        new Bad("unsupported version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        new Bad("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        new Bad("bad Content-Length", "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
        new Bad("two Content-Lengths", "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        new Bad("bad chunk size", "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 0),
        new Bad("path without slash", "GET health HTTP/1.1\r\nHost: x\r\n\r\n", 0),
        new Bad("bad percent-encoding", "GET /live/a/b.ts?sig=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 0),
        new Bad("unknown method", "BREW /health HTTP/1.1\r\nHost: x\r\n\r\n", 0),
        new Bad("stalled head", "GET /health HTTP/1.1\r\nHost: x\r\nX-Half", 408));
  }

  static List<Bad> apiOnly() {
    String big = "a".repeat(9 * 1024);
    List<Bad> bad = new ArrayList<>();
    for (String endpoint : List.of("/oauth2/token", "/oauth2/revoke", "/oauth2/introspect")) {
      bad.add(form("form field over 8 KiB to " + endpoint, endpoint, "grant_type=client_credentials&token=" + big, 413));
    }
    bad.add(form("form body over 16 KiB", "/oauth2/token", "x=" + big + "&y=" + big, 413));
    bad.add(new Bad("bad chunk in a form body", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400));
    bad.add(new Bad("stalled body", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\ngrant", 408));
    return bad;
  }

  private static Bad form(String name, String endpoint, String body, int status) {
    return new Bad(name, "POST " + endpoint + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, status);
  }

  static Stream<Arguments> requests() {
    Stream<Arguments> both = everywhere().stream()
        .flatMap(b -> Stream.of(Arguments.of("api", b), Arguments.of("edge", b)));
    return Stream.concat(both, apiOnly().stream().map(b -> Arguments.of("api", b)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("requests")
  void badRequestGetsAJson4xxInTimeAndNoStackTraceIsLogged(String listener, Bad bad) {
    int port = listener.equals("api") ? keycard.server().port() : keycard.server().edgePort();
    try (CapturedLogs logs = new CapturedLogs(); RawConnection client = new RawConnection(port)) {
      client.send(bad.request());
      Answer answer = client.readAnswer(DEADLINE);

      assertThat(answer).as("an answer within " + DEADLINE + "; received: " + client.received()).isNotNull();
      if (bad.status() == 0) {
        assertThat(answer.status()).isBetween(400, 499);
      } else {
        assertThat(answer.status()).isEqualTo(bad.status());
      }
      assertThat(answer.header("Content-Type")).startsWith("application/json");
      assertThat(answer.json().getString("error")).isNotBlank();
      assertThat(answer.body()).doesNotContain("Exception", "\tat ");
      assertThat(logs.stackTraces()).isEmpty();
      assertThat(logs.lines()).hasSizeLessThanOrEqualTo(1);
    }
  }
}
