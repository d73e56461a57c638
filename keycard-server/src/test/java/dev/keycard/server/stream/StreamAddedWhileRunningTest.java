package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: a stream added by {@code keycard streams add} (another process, the same database) while
 * the server runs used to be refused with 404 {@code unknown_stream} until the registry's next
 * reload, about 10 s later, so an encoder started right after the command lost its first segments.
 */
class StreamAddedWhileRunningTest {
  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());

  @Test
  void streamAddedByTheCliIsPublishableAtOnce() {
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")), clock)) {
      String token = publishToken(keycard);
      MediaClient api = new MediaClient(keycard.http().base());

      cli("streams", "add", "cam9", "--data-dir", dir.resolve("data").toString());

      assertThat(api.put("/ingest/cam9/seg-0.ts", Media.ts(10, 1), token).status()).isEqualTo(201);
      assertThat(api.put("/ingest/cam9/index.m3u8", Media.livePlaylist(0, 1), token).status()).isEqualTo(201);
    }
  }

  /** The same for viewers: stream-start found such a stream only at the next reload too. */
  @Test
  void streamAddedByTheCliCanBeStartedAtOnce() {
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")), clock)) {
      keycard.addUser("vera", "vera's password", "stream:watch");
      String token = keycard.http().login("vera", "vera's password").json().getString("access_token");

      cli("streams", "add", "cam8", "--data-dir", dir.resolve("data").toString());

      assertThat(keycard.http().postJson("/api/v1/stream/start", new io.vertx.core.json.JsonObject().put("stream_id", "cam8"),
          "Authorization", "Bearer " + token).status()).isEqualTo(200);
      assertThat(keycard.http().postJson("/api/v1/stream/start", new io.vertx.core.json.JsonObject().put("stream_id", "cam7"),
          "Authorization", "Bearer " + token).status()).isEqualTo(404);
    }
  }

  @Test
  void unknownStreamIsRememberedOnlyBriefly() {
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")), clock)) {
      String token = publishToken(keycard);
      MediaClient api = new MediaClient(keycard.http().base());
      assertThat(api.put("/ingest/cam9/seg-0.ts", Media.ts(10, 1), token).status()).isEqualTo(404);

      cli("streams", "add", "cam9", "--data-dir", dir.resolve("data").toString());
      clock.advance(java.time.Duration.ofSeconds(1));

      assertThat(api.put("/ingest/cam9/seg-0.ts", Media.ts(10, 1), token).status()).isEqualTo(201);
    }
  }

  private static String publishToken(TestKeycard keycard) {
    String secret = keycard.addClient("encoder", "stream:publish");
    return keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("encoder", secret)).json().getString("access_token");
  }

  private static void cli(String... args) {
    StringWriter err = new StringWriter();
    int code = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true), Map.of());
    assertThat(code).as(err.toString()).isZero();
  }
}
