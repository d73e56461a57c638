package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher's API over real HTTP: stream keys ({@code /api/v1/streams/{id}/keys}), publishing with
 * them ({@code /ingest/{stream}/{key}/{file}}) and the stream's ingest status
 * ({@code GET /api/v1/streams/{id}}), with every kind of bad input.
 */
class PublishingApiTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static MediaClient api;
  static String publisher;
  static String cam1Publisher;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    api = new MediaClient(http.base());
    publisher = clientToken("encoder", "stream:publish");
    cam1Publisher = clientToken("cam1-encoder", "stream:publish:cam1");
    for (String stream : new String[] {"cam1", "cam2", "cam3", "cam4", "cam5"}) {
      assertThat(http.postJson("/api/v1/streams", new JsonObject().put("stream_id", stream),
          "Authorization", "Bearer " + publisher).status()).isIn(200, 201);
    }
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  private static String clientToken(String clientId, String scope) {
    String secret = keycard.addClient(clientId, scope);
    return http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic(clientId, secret)).json().getString("access_token");
  }

  private static JsonObject issue(String stream, String token) {
    Answer issued = http.post("/api/v1/streams/" + stream + "/keys", null, "", "Authorization", "Bearer " + token);
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    return issued.json();
  }

  private static void assertRefusedKey(Reply reply, String key) {
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.header("Connection")).isEqualTo("close");
    JsonObject body = new JsonObject(reply.text());
    assertThat(body.getString("error")).isEqualTo("invalid_stream_key");
    assertThat(body.getString("error_description")).isEqualTo("The stream key is not valid for this stream");
    if (key != null) {
      assertThat(reply.text()).doesNotContain(key);
    }
  }

  @Test
  void issuedKeyIsShownOnceUncachedAndPublishesItsStream() {
    Answer issued = http.post("/api/v1/streams/cam1/keys", null, "", "Authorization", "Bearer " + cam1Publisher);

    assertThat(issued.status()).isEqualTo(201);
    assertThat(issued.header("Cache-Control")).isEqualTo("no-store");
    JsonObject body = issued.json();
    String key = body.getString("stream_key");
    assertThat(key).matches("kcsk_[A-Za-z0-9_-]{43}");
    assertThat(body.getString("stream_id")).isEqualTo("cam1");
    assertThat(body.getString("key_id")).matches("[0-9a-f]{12}");
    assertThat(body.getString("ingest_path")).isEqualTo("/ingest/cam1/" + key + "/index.m3u8");
    assertThat(Instant.parse(body.getString("created_at"))).isBefore(Instant.now().plusSeconds(1));

    assertThat(api.putChunked("/ingest/cam1/" + key + "/seg-0.ts", Media.ts(10, 1)).status()).isEqualTo(201);
    assertThat(api.put("/ingest/cam1/" + key + "/index.m3u8", Media.livePlaylist(0, 1)).status()).isIn(201, 204);
    assertThat(api.get("/ingest/cam1/" + key + "/seg-0.ts").body()).isEqualTo(Media.ts(10, 1));
    assertThat(api.method("DELETE", "/ingest/cam1/" + key + "/seg-0.ts").status()).isEqualTo(204);
  }

  @Test
  void listShowsEveryKeyWithoutItsSecretOrHash() {
    JsonObject first = issue("cam2", publisher);
    JsonObject second = issue("cam2", publisher);
    http.method("DELETE", "/api/v1/streams/cam2/keys/" + first.getString("key_id"), "Authorization", "Bearer " + publisher);

    Answer listed = http.get("/api/v1/streams/cam2/keys", "Authorization", "Bearer " + publisher);

    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().getString("stream_id")).isEqualTo("cam2");
    JsonArray keys = listed.json().getJsonArray("keys");
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("key_id")))
        .contains(first.getString("key_id"), second.getString("key_id"));
    for (Object k : keys) {
      JsonObject key = (JsonObject) k;
      assertThat(key.fieldNames()).containsExactlyInAnyOrder("key_id", "created_at", "revoked_at");
      assertThat(key.getString("revoked_at") != null).isEqualTo(key.getString("key_id").equals(first.getString("key_id")));
    }
    assertThat(listed.body()).doesNotContain(first.getString("stream_key"), second.getString("stream_key"), "kcsk_");
  }

  @Test
  void revokedKeyIsRefusedAtItsNextUploadAndRevokingIsIdempotent() {
    JsonObject issued = issue("cam3", publisher);
    String key = issued.getString("stream_key");
    String keyPath = "/api/v1/streams/cam3/keys/" + issued.getString("key_id");
    assertThat(api.put("/ingest/cam3/" + key + "/seg-0.ts", Media.ts(10, 1)).status()).isEqualTo(201);

    assertThat(http.method("DELETE", keyPath, "Authorization", "Bearer " + publisher).status()).isEqualTo(204);

    assertRefusedKey(api.put("/ingest/cam3/" + key + "/seg-1.ts", Media.ts(10, 1)), key);
    assertThat(http.method("DELETE", keyPath, "Authorization", "Bearer " + publisher).status()).isEqualTo(204);
  }

  @Test
  void revokingAnUnknownKeyIdIsNotFound() {
    JsonObject other = issue("cam4", publisher);
    for (String keyId : new String[] {"0123456789ab", "not-a-key-id", other.getString("key_id")}) {
      Answer answer = http.method("DELETE", "/api/v1/streams/cam1/keys/" + keyId, "Authorization", "Bearer " + publisher);
      assertThat(answer.status()).as(keyId).isEqualTo(404);
      assertThat(answer.json().getString("error")).isEqualTo("unknown_key");
    }
    assertThat(api.put("/ingest/cam4/" + other.getString("stream_key") + "/seg-0.ts", Media.ts(10, 1)).status())
        .as("a key of another stream is not revoked through this one").isEqualTo(201);
  }

  @Test
  void keysOfAnotherStreamMalformedOrUnknownKeysAreRefusedWithOneFixedAnswer() {
    String cam4Key = issue("cam4", publisher).getString("stream_key");
    String unknown = "kcsk_" + "B".repeat(43);

    assertRefusedKey(api.put("/ingest/cam1/" + cam4Key + "/seg-0.ts", Media.ts(10, 1)), cam4Key);
    assertRefusedKey(api.putChunked("/ingest/cam1/" + unknown + "/seg-0.ts", Media.ts(20_000, 1)), unknown);
    assertRefusedKey(api.put("/ingest/cam1/kcsk_short/seg-0.ts", Media.ts(10, 1)), "kcsk_short");
    assertRefusedKey(api.put("/ingest/cam1/a/seg-0.ts", Media.ts(10, 1)), null);
    assertRefusedKey(api.method("DELETE", "/ingest/cam1/" + unknown + "/seg-0.ts"), unknown);
  }

  @Test
  void keyWithOddCharactersInThePathIsABadPath() {
    String key = issue("cam1", publisher).getString("stream_key");
    for (String segment : new String[] {key + ".", key.replace("kcsk_", "kcsk%5F"), "kcsk_a%2Fb", key + "~", "%20"}) {
      Answer answer = http.raw("PUT", "/ingest/cam1/" + segment + "/seg-0.ts", "video/mp2t", "G");
      assertThat(answer.status()).as(segment).isEqualTo(400);
      assertThat(answer.json().getString("error")).isEqualTo("invalid_path");
      assertThat(answer.body()).doesNotContain(key);
    }
    assertThat(http.raw("PUT", "/ingest/cam1/" + key + "/x/seg-0.ts", "video/mp2t", "G").status()).isEqualTo(400);
  }

  @Test
  void keyApiNeedsThePublishScopeOfThatStreamBeforeSayingWhetherItExists() {
    String watcher = clientToken("viewer-app", "stream:watch");

    assertThat(http.post("/api/v1/streams/cam1/keys", null, "").status()).isEqualTo(401);
    Answer foreign = http.post("/api/v1/streams/cam2/keys", null, "", "Authorization", "Bearer " + cam1Publisher);
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.json().getString("error")).isEqualTo("insufficient_scope");
    assertThat(foreign.json().getString("scope")).isEqualTo("stream:publish:cam2");
    assertThat(http.get("/api/v1/streams/cam1/keys", "Authorization", "Bearer " + watcher).status()).isEqualTo(403);
    assertThat(http.get("/api/v1/streams/cam1", "Authorization", "Bearer " + watcher).status()).isEqualTo(403);
    assertThat(http.get("/api/v1/streams/nobody/keys", "Authorization", "Bearer " + cam1Publisher).status()).isEqualTo(403);
  }

  @Test
  void keyApiForAnUnknownStreamTheDemoOrABadIdIsAClearError() {
    Answer unknown = http.post("/api/v1/streams/nobody/keys", null, "", "Authorization", "Bearer " + publisher);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).isEqualTo("unknown_stream");
    Answer demo = http.post("/api/v1/streams/demo/keys", null, "", "Authorization", "Bearer " + publisher);
    assertThat(demo.status()).isEqualTo(409);
    assertThat(demo.json().getString("error")).isEqualTo("stream_built_in");
    Answer bad = http.get("/api/v1/streams/CAM%21/keys", "Authorization", "Bearer " + publisher);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("error")).isEqualTo("invalid_request");
    assertThat(http.method("PUT", "/api/v1/streams/cam1/keys", "Authorization", "Bearer " + publisher).status())
        .isEqualTo(405);
    assertThat(http.get("/api/v1/streams/nobody", "Authorization", "Bearer " + publisher).status()).isEqualTo(404);
  }

  @Test
  void statusShowsWhatArrivedWhatWasRefusedAndWhy() {
    String key = issue("cam5", publisher).getString("stream_key");
    String status = "/api/v1/streams/cam5";
    JsonObject before = http.get(status, "Authorization", "Bearer " + publisher).json();
    assertThat(before.getBoolean("live")).isFalse();
    assertThat(before.getLong("segments")).isZero();
    assertThat(before.getValue("last_segment_at")).isNull();

    api.put("/ingest/cam5/" + key + "/seg-0.ts", Media.ts(10, 1));
    api.put("/ingest/cam5/" + key + "/seg-1.ts", Media.ts(20, 1));
    api.put("/ingest/cam5/" + key + "/index.m3u8", Media.livePlaylist(0, 2));
    api.put("/ingest/cam5/kcsk_" + "C".repeat(43) + "/seg-2.ts", Media.ts(10, 1));
    api.put("/ingest/cam5/seg-2.ts", Media.ts(10, 1), "not-a-token");
    api.put("/ingest/cam5/" + key + "/seg-2.ts", Media.text("not a transport stream"));

    Answer answer = http.get(status, "Authorization", "Bearer " + cam1Publisher);
    assertThat(answer.status()).as("another stream's publisher").isEqualTo(403);
    answer = http.get(status, "Authorization", "Bearer " + publisher);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    JsonObject s = answer.json();
    assertThat(s.getString("stream_id")).isEqualTo("cam5");
    assertThat(s.getBoolean("live")).isTrue();
    assertThat(s.getLong("segments")).isEqualTo(2);
    assertThat(s.getLong("bytes")).isEqualTo(30 * 188);
    assertThat(Instant.parse(s.getString("last_segment_at"))).isBeforeOrEqualTo(Instant.parse(s.getString("last_playlist_at")));
    assertThat(s.getString("publisher")).startsWith("stream key ");
    JsonArray refused = s.getJsonArray("refused");
    assertThat(refused.stream().map(e -> ((JsonObject) e).getString("reason")))
        .containsExactly("invalid_token", "unknown_stream_key");
    assertThat(refused.getJsonObject(0).getString("description")).isEqualTo("The access token is malformed");
    assertThat(s.getJsonObject("last_error").getString("reason")).isEqualTo("invalid_media");
    assertThat(answer.body()).doesNotContain(key, "not-a-token", "CCCCCCCC");
  }
}
