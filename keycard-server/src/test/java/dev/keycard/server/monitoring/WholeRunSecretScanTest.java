package dev.keycard.server.monitoring;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A whole run (logins right and wrong, refresh, reuse, revocation, logout, client credentials, a stream
 * key and an upload, a stream start, playback, playback refused), then every line of the application
 * log (at DEBUG) and of the audit log, and the metrics, scanned for every token, password, secret,
 * stream key and signed URL the run used: none is there. The audit trail has an event for each of
 * the run's decisions, with the fields an operator needs.
 */
class WholeRunSecretScanTest {
  private static final Pattern SIG = Pattern.compile("sig=([A-Za-z0-9_-]+)");

  @TempDir
  Path dataDir;

  private final List<String> secrets = new ArrayList<>();

  private String secret(String value) {
    assertThat(value).isNotBlank();
    secrets.add(value);
    // A JWT's signature part alone is as unique as the token; a signed URL's signature likewise.
    String[] parts = value.split("\\.");
    if (parts.length == 3 && parts[2].length() > 20) {
      secrets.add(parts[2]);
    }
    Matcher sig = SIG.matcher(value);
    while (sig.find()) {
      secrets.add(sig.group(1));
    }
    int query = value.indexOf('?');
    if (query >= 0) {
      secrets.add(value.substring(query + 1));
    }
    return value;
  }

  private JsonObject tokens(TestHttp.Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonObject json = answer.json();
    secret(json.getString("access_token"));
    if (json.getString("refresh_token") != null) {
      secret(json.getString("refresh_token"));
    }
    return json;
  }

  @Test
  void noSecretOfTheRunReachesTheApplicationLogTheAuditLogOrTheMetrics() throws IOException {
    Logger keycardLogs = (Logger) LoggerFactory.getLogger("dev.keycard");
    keycardLogs.setLevel(Level.DEBUG);
    String scrape;
    Path auditFile;
    List<String> logLines;
    try (CapturedLogs logs = new CapturedLogs(); TestKeycard keycard = TestKeycard.start(dataDir)) {
      TestHttp http = keycard.http();
      MediaClient edge = new MediaClient(keycard.edgeBase());
      MediaClient api = new MediaClient(http.base());
      String password = secret("pa55word-that-must-not-leak");
      keycard.addUser("ada", password, "profile stream:watch");
      String clientSecret = secret(keycard.addClient("encoder", "stream:publish"));

      // Logins: right, wrong, unknown user.
      JsonObject first = tokens(http.login("ada", password));
      http.login("ada", secret(password + "-wrong"));
      http.login("nobody", secret("another-wrong-password"));
      http.me(first.getString("access_token"));
      http.me(first.getString("access_token") + "x");
      http.get("/api/v1/me?access_token=" + first.getString("access_token"));

      // Refresh, then reuse of the spent token: the session is revoked.
      JsonObject second = tokens(http.refresh(first.getString("refresh_token")));
      assertThat(http.refresh(first.getString("refresh_token")).status()).isEqualTo(400);
      assertThat(http.me(second.getString("access_token")).status()).isEqualTo(401);

      // A stream start, playback, then logout: the edge refuses the session's URLs.
      JsonObject third = tokens(http.login("ada", password));
      String ticket = secret(http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + third.getString("access_token")).json().getString("playlist_url"));
      String media = secret(MediaClient.uriLines(edge.get(ticket).text()).get(0));
      String segment = secret(MediaClient.uriLines(edge.get(media).text()).get(0));
      assertThat(edge.get(segment).status()).isEqualTo(200);
      assertThat(edge.get(secret(segment.replaceAll("sig=[A-Za-z0-9_-]+", "sig=" + "B".repeat(43)))).status())
          .isEqualTo(403);
      assertThat(http.post("/auth/logout", "application/json", "{}",
          "Authorization", "Bearer " + third.getString("access_token")).status()).isEqualTo(204);
      assertThat(edge.get(media).status()).isEqualTo(403);

      // RFC 7009: a refresh token (its session) and an access token.
      JsonObject fourth = tokens(http.login("ada", password));
      http.postForm("/oauth2/revoke", params("token", fourth.getString("refresh_token")));
      JsonObject fifth = tokens(http.login("ada", password));
      http.postForm("/oauth2/revoke", params("token", fifth.getString("access_token"),
          "token_type_hint", "access_token"));

      // A publisher: client credentials (right and wrong secret), a stream key, an upload.
      String publisher = tokens(http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("encoder", clientSecret))).getString("access_token");
      http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("encoder", clientSecret + "x"));
      http.postForm("/oauth2/introspect", params("token", publisher), "Authorization", basic("encoder", clientSecret));
      http.postJson("/api/v1/streams", new JsonObject().put("stream_id", "cam"), "Authorization", "Bearer " + publisher);
      String streamKey = secret(http.post("/api/v1/streams/cam/keys", null, "", "Authorization", "Bearer " + publisher)
          .json().getString("stream_key"));
      assertThat(api.put("/ingest/cam/" + streamKey + "/seg-0.ts", Media.ts(10, 1)).status()).isEqualTo(201);
      assertThat(api.put("/ingest/cam/" + streamKey + "x/seg-1.ts", Media.ts(10, 1)).status()).isEqualTo(403);

      scrape = Scrape.of(TestHttp.at("http://127.0.0.1:" + keycard.server().managementPort())).text();
      auditFile = keycard.server().auditLogFile();
      keycard.close(); // writes out what the audit queue still holds
      logLines = logs.lines();
    } finally {
      keycardLogs.setLevel(null);
    }

    List<String> audit = Files.readAllLines(auditFile);
    assertThat(logLines).isNotEmpty();
    assertThat(audit).isNotEmpty();
    Map<String, String> texts = Map.of("application log", String.join("\n", logLines),
        "audit log", String.join("\n", audit), "metrics", scrape);
    texts.forEach((name, text) -> {
      for (String secret : secrets) {
        assertThat(text).as("%s holds a secret of the run", name).doesNotContain(secret);
      }
    });

    List<JsonObject> events = audit.stream().map(JsonObject::new).toList();
    for (JsonObject e : events) {
      Instant.parse(e.getString("time")); // RFC 3339
      assertThat(e.getString("outcome")).isNotBlank();
    }
    Map<String, List<JsonObject>> byEvent = events.stream().collect(Collectors.groupingBy(e -> e.getString("event")));
    assertThat(byEvent).containsKeys("token.issued", "refresh.succeeded", "refresh.reuse_detected", "token.revoked",
        "logout", "stream.started", "playback.refused");

    JsonObject issued = byEvent.get("token.issued").get(0);
    assertThat(issued.getString("sub")).isEqualTo("ada");
    assertThat(issued.getString("client_id")).isEqualTo("keycard");
    assertThat(issued.getString("sid")).isNotBlank();
    assertThat(issued.getString("jti")).isNotBlank();
    assertThat(issued.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(issued.getJsonObject("details").getString("grant_type")).isEqualTo("password");

    JsonObject reuse = byEvent.get("refresh.reuse_detected").get(0);
    assertThat(reuse.getString("sid")).isEqualTo(issued.getString("sid"));
    assertThat(reuse.getString("sub")).isEqualTo("ada");
    assertThat(reuse.getString("outcome")).isEqualTo("session_revoked");

    JsonObject started = byEvent.get("stream.started").get(0);
    assertThat(started.getJsonObject("details").getString("stream_id")).isEqualTo("demo");
    JsonObject logout = byEvent.get("logout").get(0);
    assertThat(started.getString("sid")).isEqualTo(logout.getString("sid")).isNotBlank();

    assertThat(byEvent.get("playback.refused")).extracting(e -> e.getString("reason"))
        .contains("bad_signature", "session_revoked");
    assertThat(byEvent.get("token.revoked")).extracting(e -> e.getJsonObject("details").getString("revoked"))
        .contains("session", "access_token");
    assertThat(byEvent.get("token.issued")).anySatisfy(e ->
        assertThat(e.getJsonObject("details").getString("grant_type")).isEqualTo("client_credentials"));
  }
}
