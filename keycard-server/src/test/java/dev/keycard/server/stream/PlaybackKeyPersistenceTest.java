package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playback-URL key outlives the process: a deploy must not cut off every viewer. */
class PlaybackKeyPersistenceTest {
  @TempDir
  Path dataDir;

  @Test
  void playlistUrlHandedOutBeforeARestartStillOpensAfterIt() {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.addUser("alice", "alice's password", "profile stream:watch");
      String token = keycard.http().postJson("/auth/login",
          new JsonObject().put("username", "alice").put("password", "alice's password")).json().getString("access_token");
      String url = keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token).json().getString("playlist_url");
      String signedPath = url.substring(keycard.server().edgeBaseUrl().length());

      keycard.restart();

      // The edge listens on a new random port after the restart; the signed path and query are what count.
      MediaClient edge = new MediaClient(keycard.server().edgeBaseUrl());
      MediaClient.Reply playlist = edge.get(signedPath);
      assertThat(playlist.status()).isEqualTo(200);
      assertThat(edge.get(MediaClient.uriLines(playlist.text()).get(0)).status()).isEqualTo(200);
    }
  }
}
