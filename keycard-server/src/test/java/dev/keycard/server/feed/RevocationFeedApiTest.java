package dev.keycard.server.feed;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/revocations}: the denylist as a feed, for services with the dedicated scope. */
class RevocationFeedApiTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static String follower;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    keycard.addUser("ana", "ana's long password", "profile");
    String secret = keycard.addClient("orders-service", "keycard:revocations");
    follower = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("orders-service", secret)).json().getString("access_token");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  static JsonObject claims(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  static Answer page(String query) {
    return http.get("/api/v1/revocations" + query, "Authorization", "Bearer " + follower);
  }

  @Test
  void aLogoutAppearsInTheFeedAsTheTokensJtiAndItsSessionUntilTheyExpire() {
    long start = page("").json().getLong("next");
    String token = http.login("ana", "ana's long password").json().getString("access_token");
    http.post("/auth/logout", null, "", "Authorization", "Bearer " + token);

    JsonObject page = page("?after=" + start).json();
    List<String> ids = page.getJsonArray("revocations").stream().map(o -> ((JsonObject) o).getString("id")).toList();
    assertThat(ids).contains(claims(token).getString("jti"), claims(token).getString("sid"));
    JsonObject entry = page.getJsonArray("revocations").getJsonObject(0);
    assertThat(entry.getLong("seq")).isGreaterThan(start);
    assertThat(entry.getLong("exp")).isGreaterThan(claims(token).getLong("exp") - 1);
    assertThat(page.getLong("next")).isGreaterThanOrEqualTo(entry.getLong("seq"));
    assertThat(page.getBoolean("more")).isFalse();
    assertThat(page("?after=" + page.getLong("next")).json().getJsonArray("revocations")).isEmpty();
  }

  @Test
  void pagesAreBoundedAndSayWhetherMoreFollow() {
    for (int i = 0; i < 3; i++) {
      String token = http.login("ana", "ana's long password").json().getString("access_token");
      http.post("/auth/logout", null, "", "Authorization", "Bearer " + token);
    }
    JsonObject first = page("?after=0&limit=2").json();
    assertThat(first.getJsonArray("revocations")).hasSize(2);
    assertThat(first.getBoolean("more")).isTrue();
  }

  @Test
  void onlyTheDedicatedScopeMayFollowIt() {
    String user = http.login("ana", "ana's long password").json().getString("access_token");
    Answer refused = http.get("/api/v1/revocations", "Authorization", "Bearer " + user);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("WWW-Authenticate")).contains("scope=\"keycard:revocations\"");
    assertThat(http.get("/api/v1/revocations").status()).isEqualTo(401);
  }

  @Test
  void badCursorsAndLimitsAreInvalid() {
    for (String query : new String[] {"?after=-1", "?after=x", "?limit=0", "?limit=1001", "?after=1&after=2",
        "?after=99999999999999999999"}) {
      assertThat(page(query).status()).as(query).isEqualTo(400);
    }
  }

  @Test
  void curlCanFollowItToo() throws Exception {
    String curl = SystemTools.require("curl");
    String token = http.login("ana", "ana's long password").json().getString("access_token");
    http.post("/auth/logout", null, "", "Authorization", "Bearer " + token);
    Process p = new ProcessBuilder(curl, "-fsS", "-H", "Authorization: Bearer " + follower,
        http.base() + "/api/v1/revocations?after=0").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(out).contains("\"id\":\"" + claims(token).getString("jti") + "\"");
  }

  @Test
  void theEventStreamSendsEachNewRevocationAsItHappensAndResumesFromLastEventId() throws Exception {
    long start = page("").json().getLong("next");
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<Stream<String>> stream = client.send(HttpRequest.newBuilder(
            URI.create(http.base() + "/api/v1/revocations/events?after=" + start))
        .header("Authorization", "Bearer " + follower).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
    try {
      String token = http.login("ana", "ana's long password").json().getString("access_token");
      http.post("/auth/logout", null, "", "Authorization", "Bearer " + token);
      String jti = claims(token).getString("jti");

      List<String> seen = new ArrayList<>();
      String line;
      while ((line = lines.poll(10, TimeUnit.SECONDS)) != null && !(line.startsWith("data:") && line.contains(jti))) {
        seen.add(line);
      }
      assertThat(line).as("the revocation's event, after %s", seen).isNotNull();
      assertThat(seen).contains("event: revocation");
      String id = seen.stream().filter(l -> l.startsWith("id: ")).reduce((a, b) -> b).orElseThrow().substring(4);

      // Reconnecting with Last-Event-ID: only what came after it.
      Process curl = new ProcessBuilder(SystemTools.require("curl"), "-sN", "--max-time", "2",
          "-H", "Authorization: Bearer " + follower, "-H", "Last-Event-ID: " + id,
          http.base() + "/api/v1/revocations/events").redirectErrorStream(true).start();
      String resumed = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      curl.waitFor();
      assertThat(resumed).startsWith(": keycard revocations").doesNotContain("\"seq\":" + id + ",");
    } finally {
      reader.interrupt();
      stream.body().close();
    }
  }
}
