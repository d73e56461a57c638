package dev.keycard.server.admin;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.AbuseControls;
import dev.keycard.server.config.TrustedProxies;
import dev.keycard.server.testing.MediaClient;
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
 * The administration API over real HTTP: only a {@code keycard:admin} token gets in; an administrator
 * sees a user's sessions with their last use and address, cuts one session off (at the API and the
 * edge) while the user's others go on, logs a user out everywhere, lists and removes users and clients.
 * Requests come through a trusted proxy (loopback), so each one names its client address.
 */
class AdminApiTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static MediaClient edge;
  static String admin;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir, c -> c.withAbuse(AbuseControls.defaults()
        .withTrustedProxies(TrustedProxies.parse("127.0.0.1/32"))));
    http = keycard.http();
    edge = new MediaClient(keycard.server().edgeBaseUrl());
    keycard.addUser("root", "root's password", "keycard:admin");
    admin = login("root", "203.0.113.1").getString("access_token");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  private static JsonObject login(String user, String from) {
    Answer login = http.post("/auth/login", "application/json",
        new JsonObject().put("username", user).put("password", user + "'s password").encode(), "X-Forwarded-For", from);
    assertThat(login.status()).isEqualTo(200);
    return login.json();
  }

  private static Answer me(String token, String from) {
    return http.get("/api/v1/me", "Authorization", "Bearer " + token, "X-Forwarded-For", from);
  }

  private static Answer adminGet(String path) {
    return http.get("/api/v1/admin/" + path, "Authorization", "Bearer " + admin);
  }

  private static Answer adminDelete(String path) {
    return http.method("DELETE", "/api/v1/admin/" + path, "Authorization", "Bearer " + admin);
  }

  private static JsonArray sessionsOf(String user) {
    Answer answer = adminGet("users/" + user + "/sessions");
    assertThat(answer.status()).isEqualTo(200);
    return answer.json().getJsonArray("sessions");
  }

  @Test
  void aTokenWithoutTheAdminScopeIsRefusedWithInsufficientScope() {
    keycard.addUser("mallory", "mallory's password", "profile stream:watch");
    String token = login("mallory", "192.0.2.66").getString("access_token");

    for (String[] request : new String[][] {{"GET", "users"}, {"GET", "users/mallory/sessions"},
        {"DELETE", "users/mallory/sessions"}, {"DELETE", "sessions/x"}, {"GET", "clients"}, {"DELETE", "clients/x"},
        {"DELETE", "users/root"}}) {
      Answer refused = http.method(request[0], "/api/v1/admin/" + request[1], "Authorization", "Bearer " + token);
      assertThat(refused.status()).as(request[0] + " " + request[1]).isEqualTo(403);
      assertThat(refused.json().getString("error")).isEqualTo("insufficient_scope");
      assertThat(refused.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"keycard:admin\"");
    }
    assertThat(http.get("/api/v1/admin/users").status()).isEqualTo(401);
    assertThat(keycard.server().stores().users().find("root")).isPresent();
  }

  @Test
  void anAdministratorSeesEachSessionWithItsLastUseAddressAndActiveStreams() {
    keycard.addUser("alice", "alice's password", "profile stream:watch");
    JsonObject phone = login("alice", "198.51.100.10");
    JsonObject laptop = login("alice", "198.51.100.20");
    Instant before = Instant.now().minusSeconds(1);
    assertThat(me(phone.getString("access_token"), "198.51.100.11").status()).isEqualTo(200);
    assertThat(http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + laptop.getString("access_token"), "X-Forwarded-For", "198.51.100.21").status())
        .isEqualTo(200);

    JsonArray sessions = sessionsOf("alice");

    assertThat(sessions).hasSize(2);
    JsonObject first = sessions.getJsonObject(0);
    JsonObject second = sessions.getJsonObject(1);
    assertThat(first.getString("last_ip")).isEqualTo("198.51.100.11");
    assertThat(first.getLong("last_used")).isBetween(before.getEpochSecond(), Instant.now().getEpochSecond());
    assertThat(first.getLong("created_at")).isLessThanOrEqualTo(first.getLong("last_used"));
    assertThat(first.getString("client_id")).isEqualTo("keycard");
    assertThat(first.getString("scope")).isEqualTo("profile stream:watch");
    assertThat(first.containsKey("country")).isTrue();
    assertThat(first.getValue("country")).isNull(); // no geolocation database here
    assertThat(first.getJsonArray("active_streams")).isEmpty();
    assertThat(second.getString("last_ip")).isEqualTo("198.51.100.21");
    assertThat(second.getJsonArray("active_streams").getJsonObject(0).getString("stream_id")).isEqualTo("demo");
    assertThat(second.getJsonArray("active_streams").getJsonObject(0).getLong("live_until"))
        .isGreaterThan(Instant.now().plusSeconds(3600).getEpochSecond());
    assertThat(first.getString("sid")).isNotEqualTo(second.getString("sid"));
    assertThat(adminGet("users/alice/sessions").header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void revokingOneSessionStopsItsTokenAndItsPlaybackAtOnceWhileTheOtherSessionGoesOn() {
    keycard.addUser("bob", "bob's password", "profile stream:watch");
    String revokedToken = login("bob", "192.0.2.1").getString("access_token");
    String keptToken = login("bob", "192.0.2.2").getString("access_token");
    String revokedPlaylist = startStream(revokedToken);
    String keptPlaylist = startStream(keptToken);
    String revokedSegment = MediaClient.uriLines(edge.get(revokedPlaylist).text()).get(0);
    assertThat(edge.get(revokedSegment).status()).isEqualTo(200);
    me(revokedToken, "192.0.2.1");
    String sid = sessionsOf("bob").stream().map(JsonObject.class::cast)
        .filter(s -> "192.0.2.1".equals(s.getString("last_ip"))).findFirst().orElseThrow().getString("sid");

    Answer revoked = adminDelete("sessions/" + sid);

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().getString("sid")).isEqualTo(sid);
    assertThat(revoked.json().getString("username")).isEqualTo("bob");
    Answer refused = me(revokedToken, "192.0.2.1");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getString("error")).isEqualTo("invalid_token");
    assertThat(edge.get(revokedSegment).status()).isEqualTo(403);
    assertThat(edge.get(revokedPlaylist).status()).isEqualTo(403);
    assertThat(me(keptToken, "192.0.2.2").status()).isEqualTo(200);
    assertThat(edge.get(keptPlaylist).status()).isEqualTo(200);
    assertThat(sessionsOf("bob")).hasSize(1);
    assertThat(adminDelete("sessions/" + sid).status()).isEqualTo(200); // revoking again changes nothing
  }

  @Test
  void logOutEverywhereRevokesEverySessionOfThatUserOnly() {
    keycard.addUser("carol", "carol's password", "profile");
    keycard.addUser("dave", "dave's password", "profile");
    JsonObject one = login("carol", "192.0.2.3");
    JsonObject two = login("carol", "192.0.2.4");
    String daves = login("dave", "192.0.2.5").getString("access_token");

    Answer revoked = adminDelete("users/carol/sessions");

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().getJsonArray("revoked_sessions")).hasSize(2);
    assertThat(me(one.getString("access_token"), "192.0.2.3").status()).isEqualTo(401);
    assertThat(me(two.getString("access_token"), "192.0.2.4").status()).isEqualTo(401);
    assertThat(http.refresh(two.getString("refresh_token")).status()).isEqualTo(400);
    assertThat(sessionsOf("carol")).isEmpty();
    assertThat(me(daves, "192.0.2.5").status()).isEqualTo(200);
    assertThat(login("carol", "192.0.2.3").getString("access_token")).isNotBlank(); // logging in again works
  }

  @Test
  void usersAreListedWithoutPasswordHashesAndRemovingOneEndsTheirSessions() {
    keycard.addUser("erin", "erin's password", "profile");
    String token = login("erin", "192.0.2.7").getString("access_token");

    Answer users = adminGet("users");
    assertThat(users.status()).isEqualTo(200);
    JsonObject erin = users.json().getJsonArray("users").stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("username").equals("erin")).findFirst().orElseThrow();
    assertThat(erin.fieldNames()).containsExactlyInAnyOrder("username", "scope", "created_at");
    assertThat(users.body()).doesNotContain("argon2");

    Answer removed = adminDelete("users/erin");

    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getJsonArray("revoked_sessions")).hasSize(1);
    assertThat(me(token, "192.0.2.7").status()).isEqualTo(401);
    assertThat(http.login("erin", "erin's password").status()).isEqualTo(401);
    assertThat(adminDelete("users/erin").status()).isEqualTo(404);
    assertThat(adminDelete("users/erin").json().getString("error")).isEqualTo("unknown_user");
    assertThat(adminGet("users/erin/sessions").status()).isEqualTo(404);
    assertThat(adminDelete("users/erin/sessions").status()).isEqualTo(404);
  }

  @Test
  void clientsAreListedWithoutSecretsAndARemovedClientGetsNoMoreTokens() {
    String secret = keycard.addClient("encoder-1", "stream:publish");
    assertThat(clientToken("encoder-1", secret).status()).isEqualTo(200);

    Answer clients = adminGet("clients");
    assertThat(clients.status()).isEqualTo(200);
    JsonObject encoder = clients.json().getJsonArray("clients").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("client_id").equals("encoder-1")).findFirst().orElseThrow();
    assertThat(encoder.getBoolean("confidential")).isTrue();
    assertThat(encoder.getString("scope")).isEqualTo("stream:publish");
    assertThat(encoder.fieldNames()).containsExactlyInAnyOrder("client_id", "confidential", "scope", "created_at");
    assertThat(clients.body()).doesNotContain(secret.substring(4, 20));

    assertThat(adminDelete("clients/encoder-1").status()).isEqualTo(200);

    assertThat(clientToken("encoder-1", secret).status()).isEqualTo(401);
    assertThat(adminDelete("clients/encoder-1").status()).isEqualTo(404);
    assertThat(adminDelete("clients/encoder-1").json().getString("error")).isEqualTo("unknown_client");
  }

  @Test
  void unknownAndOddIdsAreAnswered404OrAClientErrorNever500() {
    assertThat(adminDelete("sessions/no-such-session").status()).isEqualTo(404);
    assertThat(adminDelete("sessions/no-such-session").json().getString("error")).isEqualTo("unknown_session");
    assertThat(adminGet("users/" + "x".repeat(1000) + "/sessions").status()).isEqualTo(404);
    assertThat(adminGet("users/%C3%A9%20%22quoted%22/sessions").status()).isEqualTo(404);
    assertThat(adminDelete("clients/%2F..%2F").status()).isEqualTo(404);
    for (String path : new String[] {"/api/v1/admin/sessions/%ZZ", "/api/v1/admin/users/%G1/sessions",
        "/api/v1/streams/%ZZ/keys"}) {
      Answer bad = http.raw(path.contains("sessions/%ZZ") ? "DELETE" : "GET", path, null, "");
      assertThat(bad.status()).as(path).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("invalid_request");
    }
    assertThat(adminGet("nothing-here").status()).isEqualTo(404);
  }

  private static String startStream(String token) {
    Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token);
    assertThat(started.status()).isEqualTo(200);
    return started.json().getString("playlist_url");
  }

  private static Answer clientToken(String clientId, String secret) {
    return http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic(clientId, secret));
  }
}
