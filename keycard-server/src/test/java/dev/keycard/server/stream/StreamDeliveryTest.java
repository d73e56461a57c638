package dev.keycard.server.stream;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live delivery through a whole keycard over real HTTP: registering streams, ingest at the origin,
 * stream-start, playback at the edge and cutting a viewer off by logging them out.
 */
class StreamDeliveryTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static MediaClient api;
  static MediaClient edge;
  static String publisher;
  static String cam1Publisher;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    api = new MediaClient(http.base());
    edge = new MediaClient(keycard.server().edgeBaseUrl());
    keycard.addUser("alice", "alice's password", "profile stream:watch");
    keycard.addUser("bob", "bob's password", "profile stream:watch");
    keycard.addUser("carol", "carol's password", "stream:watch:demo");
    keycard.addUser("dave", "dave's password", "profile");
    publisher = clientToken("encoder", "stream:publish");
    cam1Publisher = clientToken("cam1-encoder", "stream:publish:cam1");
    assertThat(register("cam1", publisher).status()).isIn(200, 201);
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void startReturnsShortLivedSignedPlaylistUrlAtTheEdge() {
    Answer started = startStream(login("alice"), "demo");

    assertThat(started.status()).isEqualTo(200);
    assertThat(started.header("Cache-Control")).isEqualTo("no-store");
    String url = started.json().getString("playlist_url");
    assertThat(url).startsWith(keycard.server().edgeBaseUrl() + "/live/demo/index.m3u8?exp=").contains("&sid=", "&sig=");
    assertThat(started.json().getLong("expires_at"))
        .isBetween(Instant.now().plusSeconds(290).getEpochSecond(), Instant.now().plusSeconds(301).getEpochSecond());
    Reply playlist = edge.get(url);
    assertThat(playlist.status()).isEqualTo(200);
    assertThat(playlist.text()).startsWith("#EXTM3U");
    assertThat(edge.get(MediaClient.uriLines(playlist.text()).get(0)).status()).isEqualTo(200);
  }

  @Test
  void playbackSessionIsTheTokensRefreshFamily() {
    String token = login("alice");
    String url = startStream(token, "demo").json().getString("playlist_url");
    String sid = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])))
        .getString("sid");

    assertThat(url).contains("&sid=" + sid + "&");
  }

  @Test
  void theStreamListShowsEachViewerTheStreamsTheyMayWatchLiveOrOffline() {
    assertThat(register("quiet", publisher).status()).isIn(200, 201); // registered, nothing published yet

    JsonObject alice = http.get("/api/v1/streams", "Authorization", "Bearer " + login("alice")).json();
    assertThat(alice.getJsonArray("streams").stream().map(o -> (JsonObject) o).toList())
        .contains(new JsonObject().put("stream_id", "demo").put("live", true),
            new JsonObject().put("stream_id", "quiet").put("live", false));

    JsonObject carol = http.get("/api/v1/streams", "Authorization", "Bearer " + login("carol")).json();
    assertThat(carol.getJsonArray("streams")).containsExactly(new JsonObject().put("stream_id", "demo").put("live", true));

    Answer dave = http.get("/api/v1/streams", "Authorization", "Bearer " + login("dave"));
    assertThat(dave.status()).isEqualTo(200);
    assertThat(dave.json().getJsonArray("streams")).isEmpty();
    assertThat(http.get("/api/v1/streams").status()).isEqualTo(401);
  }

  @Test
  void startRefusesTokenWithoutWatchScope() {
    Answer refused = startStream(login("dave"), "demo");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("error")).isEqualTo("insufficient_scope");
    assertThat(refused.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
  }

  @Test
  void streamSpecificScopeEntitlesToThatStreamOnly() {
    String carol = login("carol");

    assertThat(startStream(carol, "demo").status()).isEqualTo(200);
    assertThat(startStream(carol, "cam1").status()).isEqualTo(403);
  }

  @Test
  void startAnswersUnknownStreamAndBadIds() {
    String alice = login("alice");

    Answer unknown = startStream(alice, "no-such-stream");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).isEqualTo("unknown_stream");
    assertThat(startStream(alice, "../demo").status()).isEqualTo(400);
    assertThat(startStream(alice, "Demo").status()).isEqualTo(400);
    assertThat(http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo")).status()).isEqualTo(401);
  }

  @Test
  void registeringStreamNeedsPublishScope() {
    assertThat(register("cam2", login("alice")).status()).isEqualTo(403);
    assertThat(register("cam2", cam1Publisher).status()).isEqualTo(403);
    assertThat(register("cam3", publisher).status()).isEqualTo(201);
    Answer again = register("cam3", publisher);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("created")).isFalse();
  }

  @Test
  void ingestRequiresPublishScopeForThatStream() {
    byte[] playlist = Media.livePlaylist(0, 1);

    assertThat(api.put("/ingest/cam1/index.m3u8", playlist, "not-a-token").status()).isEqualTo(401);
    Reply noScope = api.put("/ingest/cam1/index.m3u8", playlist, login("alice"));
    assertThat(noScope.status()).isEqualTo(403);
    assertThat(noScope.header("WWW-Authenticate")).contains("insufficient_scope");
    register("cam4", publisher);
    assertThat(api.put("/ingest/cam4/index.m3u8", playlist, cam1Publisher).status()).isEqualTo(403);
    assertThat(api.put("/ingest/cam1/seg-0.ts", Media.ts(10, 1), cam1Publisher).status()).isIn(201, 204);
  }

  @Test
  void ingestRefusesBadNamesAndTraversal() {
    byte[] ts = Media.ts(10, 1);
    for (String path : new String[] {"/ingest/cam1/seg.exe", "/ingest/cam1/../cam4/seg-0.ts", "/ingest/cam1/a/b/seg-0.ts",
        "/ingest/cam1/%2e%2e%2fx.ts", "/ingest/CAM1/seg-0.ts", "/ingest/cam1/.ts", "/ingest/cam1/seg-0.ts.m3u8x"}) {
      Reply reply = api.put(path, ts, publisher);
      assertThat(reply.status()).as(path).isEqualTo(400);
      assertThat(reply.text()).doesNotContain("Exception");
    }
  }

  @Test
  void ingestRefusesUnknownStreamAndTheBuiltInOne() {
    assertThat(api.put("/ingest/nobody/index.m3u8", Media.livePlaylist(0, 1), publisher).status()).isEqualTo(404);
    assertThat(api.put("/ingest/demo/index.m3u8", Media.livePlaylist(0, 1), publisher).status()).isEqualTo(409);
  }

  @Test
  void ingestRefusesOversizedUploadsWithOrWithoutContentLength() {
    byte[] hugePlaylist = new byte[64 * 1024 + 1];
    Arrays.fill(hugePlaylist, (byte) '#');

    assertThat(api.put("/ingest/cam1/big.m3u8", hugePlaylist, publisher).status()).isEqualTo(413);
    assertThat(api.putChunked("/ingest/cam1/big.m3u8", hugePlaylist, publisher).status()).isEqualTo(413);
    // The connection was closed, not poisoned: the next upload works.
    assertThat(api.putChunked("/ingest/cam1/seg-1.ts", Media.ts(4, 1), publisher).status()).isIn(201, 204);
  }

  @Test
  void ingestRefusesContentThatDoesNotMatchTheFileType() {
    assertThat(api.put("/ingest/cam1/index.m3u8", Media.text("<html>"), publisher).status()).isEqualTo(415);
    assertThat(api.put("/ingest/cam1/seg-0.ts", Media.text("not a transport stream"), publisher).status()).isEqualTo(415);
    byte[] badSecondPacket = Media.ts(2, 1);
    badSecondPacket[188] = 0;
    assertThat(api.put("/ingest/cam1/seg-0.ts", badSecondPacket, publisher).status()).isEqualTo(415);
    assertThat(api.put("/ingest/cam1/seg-0.ts", new byte[0], publisher).status()).isEqualTo(400);
  }

  @Test
  void streamNobodyPublishesIsOfflineAtOriginAndEdge() {
    register("quiet", publisher);

    Reply origin = api.get("/ingest/quiet/index.m3u8", "Authorization", "Bearer " + publisher);
    assertThat(origin.status()).isEqualTo(503);
    assertThat(new JsonObject(origin.text()).getString("error")).isEqualTo("stream_offline");
    Reply atEdge = edge.get(startStream(login("alice"), "quiet").json().getString("playlist_url"));
    assertThat(atEdge.status()).isEqualTo(503);
    assertThat(new JsonObject(atEdge.text()).getString("error")).isEqualTo("stream_offline");
  }

  @Test
  void publishedStreamPlaysThroughTheEdge() {
    register("live1", publisher);
    for (int i = 0; i < 3; i++) {
      assertThat(api.put("/ingest/live1/seg-" + i + ".ts", Media.ts(100, i), publisher).status()).isEqualTo(201);
    }
    assertThat(api.putChunked("/ingest/live1/index.m3u8", Media.livePlaylist(0, 3), publisher).status()).isEqualTo(201);
    assertThat(api.put("/ingest/live1/index.m3u8", Media.livePlaylist(0, 3), publisher).status()).isEqualTo(204);

    Reply playlist = edge.mediaPlaylist(startStream(login("bob"), "live1").json().getString("playlist_url"));
    assertThat(playlist.status()).isEqualTo(200);
    Reply segment = edge.get(MediaClient.uriLines(playlist.text()).get(1));
    assertThat(segment.status()).isEqualTo(200);
    assertThat(segment.body()).isEqualTo(Media.ts(100, 1));

    assertThat(api.delete("/ingest/live1/seg-0.ts", publisher).status()).isEqualTo(204);
    assertThat(api.get("/ingest/live1/seg-0.ts", "Authorization", "Bearer " + publisher).status()).isEqualTo(404);
  }

  @Test
  void originKeepsABoundedWindowHoweverLongAnEncoderRuns() {
    register("long", publisher);
    StreamId id = new StreamId("long");
    LocalOrigin origin = keycard.server().streaming().origin();
    for (int i = 0; i < 120; i++) {
      assertThat(api.put("/ingest/long/seg-" + i + ".ts", Media.ts(50, i), publisher).status()).isEqualTo(201);
      api.put("/ingest/long/index.m3u8", Media.livePlaylist(Math.max(0, i - 5), Math.min(i + 1, 6)), publisher);
    }

    assertThat(origin.segmentCount(id)).isLessThanOrEqualTo(6 + LiveStream.MARGIN);
    assertThat(origin.bytes(id)).isLessThanOrEqualTo((6 + LiveStream.MARGIN) * 50L * 188);
  }

  @Test
  void logoutCutsThatViewerOffAtTheEdgeWhileOthersPlayOn() {
    String alice = login("alice");
    String bob = login("bob");
    String alicePlaylist = startStream(alice, "demo").json().getString("playlist_url");
    String bobPlaylist = startStream(bob, "demo").json().getString("playlist_url");
    String aliceSegment = MediaClient.uriLines(edge.get(alicePlaylist).text()).get(0);
    String bobSegment = MediaClient.uriLines(edge.get(bobPlaylist).text()).get(0);
    assertThat(edge.get(aliceSegment).status()).isEqualTo(200);

    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + alice).status()).isEqualTo(204);

    Reply refused = edge.get(aliceSegment);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(new JsonObject(refused.text()).getString("error")).isEqualTo("session_revoked");
    assertThat(edge.get(alicePlaylist).status()).isEqualTo(403);
    assertThat(edge.get(bobSegment).status()).isEqualTo(200);
    assertThat(edge.get(bobPlaylist).status()).isEqualTo(200);
  }

  @Test
  void refreshTokenReuseCutsThePlaybackOffToo() {
    JsonObject tokens = http.login("bob", "bob's password").json();
    String playlist = startStream(tokens.getString("access_token"), "demo").json().getString("playlist_url");
    String refresh = tokens.getString("refresh_token");
    assertThat(http.refresh(refresh).status()).isEqualTo(200);

    assertThat(http.refresh(refresh).status()).isEqualTo(400);

    assertThat(edge.get(playlist).status()).isEqualTo(403);
  }

  static String login(String user) {
    Answer login = http.login(user, user + "'s password");
    assertThat(login.status()).isEqualTo(200);
    return login.json().getString("access_token");
  }

  static String clientToken(String clientId, String scope) {
    String secret = keycard.addClient(clientId, scope);
    Answer token = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic(clientId, secret));
    assertThat(token.status()).isEqualTo(200);
    return token.json().getString("access_token");
  }

  static Answer startStream(String token, String streamId) {
    return http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", streamId),
        "Authorization", "Bearer " + token);
  }

  static Answer register(String streamId, String token) {
    return http.postJson("/api/v1/streams", new JsonObject().put("stream_id", streamId),
        "Authorization", "Bearer " + token);
  }
}
