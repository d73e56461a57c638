package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.HlsJsPlayer.PlayerState;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app-side half of playback sessions, in real Chromium: the hls.js code docs/streaming.md shows
 * (read from the docs and run as written) renews a one-minute playback session before it ends and
 * plays on for two and a half minutes without a single player error, while a player without it,
 * opened the same way in another tab, stops when its session ends.
 */
class RenewingPlayerTest {
  private static final Duration SESSION = Duration.ofMinutes(1);
  private static final String MARKER = "<!-- renewing-player:";

  @TempDir
  Path dir;

  @Test
  void documentedRenewingPlayerOutlivesItsSessionsWhileAPlainOneStopsAtTheEnd() throws Exception {
    StreamingConfig streaming = StreamingConfig.defaults().withPlaylistUrlTtl(Duration.ofMinutes(1))
        .withPlaybackSession(SESSION, false);
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir), streaming, InstantSource.system());
        HlsJsPlayer browser = HlsJsPlayer.start()) {
      TestHttp http = keycard.http();
      keycard.addUser("carol", "carol's password", "stream:watch");
      String token = http.login("carol", "carol's password").json().getString("access_token");
      AtomicInteger starts = new AtomicInteger();
      browser.handle("/renewing-player.js", exchange -> HlsJsPlayer.respond(exchange, 200, "text/javascript",
          documentedSnippet().getBytes(StandardCharsets.UTF_8)));
      // The app's backend: stream-start with the viewer's token.
      browser.handle("/start", exchange -> {
        starts.incrementAndGet();
        String stream = exchange.getRequestURI().getRawQuery().replace("stream=", "");
        TestHttp.Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", stream),
            "Authorization", "Bearer " + token);
        HlsJsPlayer.respond(exchange, started.status(), "application/json", started.body().getBytes(StandardCharsets.UTF_8));
      });

      HlsJsPlayer.Tab renewing = browser.open("/renewing.html?stream=demo");
      HlsJsPlayer.Tab plain = browser.play(http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token).json().getString("playlist_url"));

      long start = System.nanoTime();
      PlayerState last = renewing.state();
      long lastMoved = System.nanoTime();
      while (System.nanoTime() - start < Duration.ofSeconds(150).toNanos()) {
        Thread.sleep(5_000);
        PlayerState now = renewing.state();
        assertThat(now.errors()).as("hls.js errors of the renewing player").isEmpty();
        if (now.currentTime() > last.currentTime()) {
          lastMoved = System.nanoTime();
        }
        assertThat(System.nanoTime() - lastMoved).as("the renewing player's video keeps moving: %s", now)
            .isLessThan(Duration.ofSeconds(10).toNanos());
        last = now;
      }
      assertThat(last.currentTime()).isGreaterThan(130);
      assertThat(starts.get()).as("stream-start calls: the first and at least two renewals").isGreaterThanOrEqualTo(3);

      PlayerState stopped = plain.state();
      assertThat(stopped.errors()).anySatisfy(e -> assertThat(e.get("status")).isEqualTo(410L));
      assertThat(stopped.currentTime()).isBetween(50.0, 90.0);
    }
  }

  /** The js block after the marker in docs/streaming.md, exactly as the docs show it. */
  static String documentedSnippet() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "streaming.md"));
    int marker = docs.indexOf(MARKER);
    assertThat(marker).as("the marker in docs/streaming.md").isPositive();
    int from = docs.indexOf("```js\n", marker) + "```js\n".length();
    return docs.substring(from, docs.indexOf("```", from));
  }
}
