package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.testing.RawConnection;
import dev.keycard.server.testing.RawConnection.Answer;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each listener holds at most {@code --max-connections}: one more is answered 503 and closed at once
 * (instead of holding a file descriptor until the process runs out), and a freed place is taken again.
 */
class ConnectionCapTest {
  static final int CAP = 3;
  static final Duration SLACK = Duration.ofSeconds(5);

  @TempDir
  static Path dataDir;
  static TestKeycard keycard;

  @BeforeAll
  static void start() {
    // Timeouts long enough that the idle connections holding the places are not closed meanwhile.
    keycard = TestKeycard.start(dataDir, c -> c.withLimits(new ListenerLimits(Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(60), CAP)));
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  static int port(String listener) {
    return listener.equals("api") ? keycard.server().port() : keycard.server().edgePort();
  }

  static String quickRequest(String listener) {
    return (listener.equals("api") ? "GET /health" : "GET /live/cam/seg-0.ts") + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "edge"})
  void connectionOverTheCapGets503AndIsClosedUntilAPlaceIsFree(String listener) {
    List<RawConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        RawConnection c = new RawConnection(port(listener));
        held.add(c);
        c.send(quickRequest(listener));
        assertThat(c.readAnswer(SLACK)).as("answer on connection " + i).isNotNull();
      }
      try (RawConnection over = new RawConnection(port(listener))) {
        Answer refused = over.readAnswer(SLACK);
        assertThat(refused).as("an answer to the connection over the cap").isNotNull();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().getString("error")).isEqualTo("temporarily_unavailable");
        assertThat(over.awaitClose(SLACK)).isTrue();
      }

      held.remove(0).close();
      assertThat(answeredOnANewConnection(listener)).as("a freed place is taken again").isTrue();
    } finally {
      held.forEach(RawConnection::close);
    }
  }

  /** The server learns of a client's close asynchronously: a few tries, bounded. */
  private static boolean answeredOnANewConnection(String listener) {
    long end = System.nanoTime() + SLACK.toNanos();
    while (System.nanoTime() < end) {
      try (RawConnection c = new RawConnection(port(listener))) {
        c.send(quickRequest(listener));
        Answer answer = c.readAnswer(SLACK);
        if (answer != null && answer.status() != 503) {
          return true;
        }
      }
    }
    return false;
  }
}
