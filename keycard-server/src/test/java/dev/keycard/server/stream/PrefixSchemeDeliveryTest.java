package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --url-scheme prefix}: stream-start hands out path-prefix tokens and the edge plays them. */
class PrefixSchemeDeliveryTest {
  @TempDir
  Path dataDir;

  @Test
  void streamStartHandsOutPathPrefixTokensThatTheEdgeServes() {
    try (KeycardServer server = KeycardServer.start(TestKeycard.config(dataDir),
        StreamingConfig.defaults().withUrlScheme(UrlScheme.PREFIX), InstantSource.system(), TestKeycard.FAST_HASHER)) {
      MediaClient api = new MediaClient("http://127.0.0.1:" + server.port());
      MediaClient edge = new MediaClient(server.edgeBaseUrl());
      server.stores().users().add(new dev.keycard.core.account.User(
          "zoe", TestKeycard.FAST_HASHER.hash("zoe's password"), java.util.Set.of("stream:watch"), java.time.Instant.now()));
      String token = new JsonObject(api.post("/auth/login",
          new JsonObject().put("username", "zoe").put("password", "zoe's password")).text()).getString("access_token");

      String url = new JsonObject(api.post("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token).text()).getString("playlist_url");

      assertThat(URI.create(url).getRawPath()).startsWith("/t/").endsWith("/live/demo/index.m3u8");
      assertThat(URI.create(url).getRawQuery()).isNull();
      Reply playlist = edge.mediaPlaylist(url);
      assertThat(playlist.status()).isEqualTo(200);
      List<String> segments = MediaClient.uriLines(playlist.text());
      assertThat(segments).allSatisfy(s -> assertThat(s).startsWith("/t/").contains("/live/demo/seg-"));
      assertThat(edge.get(segments.get(0)).status()).isEqualTo(200);
      String otherStream = url.replace("/live/demo/", "/live/other/");
      assertThat(edge.get(otherStream).status()).isEqualTo(403);
    }
  }
}
