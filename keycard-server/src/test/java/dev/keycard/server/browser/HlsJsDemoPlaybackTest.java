package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.HlsJsPlayer.PlayerState;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web player's path, in a real browser: hls.js, default configuration, page on another origin. */
class HlsJsDemoPlaybackTest {
  @TempDir
  Path dir;

  @Test
  void hlsJsPlaysTheDemoStreamThroughTheEdgeFromAnotherOrigin() throws Exception {
    try (TestKeycard keycard = TestKeycard.start(dir); HlsJsPlayer player = HlsJsPlayer.start()) {
      keycard.addUser("alice", "alice's password", "stream:watch");
      String token = keycard.http().postJson("/auth/login",
          new JsonObject().put("username", "alice").put("password", "alice's password")).json().getString("access_token");
      String url = keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token).json().getString("playlist_url");

      PlayerState state = player.play(url).awaitPlayed(6, Duration.ofSeconds(60));

      assertThat(state.fatal()).isNull();
      assertThat(state.errors()).isEmpty();
      assertThat(state.currentTime()).isGreaterThanOrEqualTo(6);
      assertThat(state.frames()).isPositive();
    }
  }
}
