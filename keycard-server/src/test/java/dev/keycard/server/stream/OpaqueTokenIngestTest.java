package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With opaque access tokens the bearer check runs on a worker (a database lookup) while the upload's
 * body waits, paused: the body must arrive whole once the token is accepted, and be refused unread
 * (connection closed) when it is not.
 */
class OpaqueTokenIngestTest {
  @TempDir
  Path dataDir;

  @Test
  void uploadWaitsForTheBlockingBearerCheckAndArrivesWhole() {
    ServerConfig jwt = TestKeycard.config(dataDir);
    ServerConfig opaque = new ServerConfig(jwt.dataDir(), jwt.host(), jwt.port(), jwt.issuer(), jwt.audience(),
        jwt.accessTokenTtl(), TokenFormat.OPAQUE, jwt.algorithm(), null, jwt.clockSkew(), jwt.refreshIdleTtl(),
        jwt.refreshAbsoluteTtl(), jwt.refreshGrace(), jwt.maxTokenSize());
    try (TestKeycard keycard = TestKeycard.start(opaque, InstantSource.system())) {
      String secret = keycard.addClient("encoder", "stream:publish");
      String token = keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("encoder", secret)).json().getString("access_token");
      MediaClient api = new MediaClient(keycard.http().base());
      assertThat(keycard.http().postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam"),
          "Authorization", "Bearer " + token).status()).isEqualTo(201);
      byte[] segment = Media.ts(20_000, 5); // 3.7 MB: many chunks arrive while the token is looked up

      assertThat(api.putChunked("/ingest/cam/seg-0.ts", segment, token).status()).isEqualTo(201);
      assertThat(api.put("/ingest/cam/index.m3u8", Media.livePlaylist(0, 1), token).status()).isEqualTo(201);
      assertThat(api.putChunked("/ingest/cam/seg-1.ts", segment, "kco_not-a-token").status()).isEqualTo(401);

      assertThat(api.get("/ingest/cam/seg-0.ts", "Authorization", "Bearer " + token).body()).isEqualTo(segment);
    }
  }

  @Test
  void everyUploadRefusedBeforeItsBodyWasReadStillGetsItsAnswer() {
    // The refusal is sent while megabytes of body are still on their way; closing at once would
    // reset the connection and could destroy the answer before the client reads it.
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dataDir), InstantSource.system())) {
      MediaClient api = new MediaClient(keycard.http().base());
      byte[] segment = Media.ts(20_000, 5);
      for (int i = 0; i < 20; i++) {
        assertThat(api.putChunked("/ingest/cam/seg-" + i + ".ts", segment, "not-a-token").status()).isEqualTo(401);
      }
    }
  }
}
