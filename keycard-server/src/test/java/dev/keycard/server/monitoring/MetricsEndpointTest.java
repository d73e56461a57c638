package dev.keycard.server.monitoring;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on the management listener of a running keycard: valid Prometheus text (as
 * Prometheus's own parser reads it), apart from the public listeners, and the families the issue
 * lists are there and move when their events happen.
 */
class MetricsEndpointTest {
  @TempDir
  Path dataDir;
  private TestKeycard keycard;
  private TestHttp management;

  @BeforeEach
  void start() {
    keycard = TestKeycard.start(dataDir);
    management = TestHttp.at("http://127.0.0.1:" + keycard.server().managementPort());
    keycard.addUser("ada", "correct horse", "profile stream:watch");
  }

  @AfterEach
  void stop() {
    keycard.close();
  }

  @Test
  void scrapeIsValidPrometheusTextThatPromtoolAccepts() {
    keycard.http().login("ada", "correct horse");
    keycard.http().me("not-a-token");

    Scrape scrape = Scrape.of(management);

    scrape.checkedByPromtool();
    assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
    assertThat(scrape.has("jvm_gc_pause_seconds_count") || scrape.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
    assertThat(scrape.has("jvm_threads_live_threads")).isTrue();
    assertThat(scrape.has("process_uptime_seconds")).isTrue();
    assertThat(scrape.has("system_cpu_count")).isTrue();
    assertThat(scrape.value("vertx_http_server_requests_total")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void managementListenerIsNotThePublicOneAndThePublicOneHasNoMetrics() {
    assertThat(keycard.server().managementPort()).isNotIn(0, keycard.server().port(), keycard.server().edgePort());
    assertThat(keycard.http().get("/metrics").status()).isEqualTo(404);
    assertThat(new MediaClient(keycard.edgeBase()).get("/metrics").status()).isIn(403, 404);
    assertThat(management.get("/health/live").status()).isEqualTo(200);
    assertThat(management.get("/health/ready").status()).isEqualTo(200);
    assertThat(management.get("/nothing").status()).isEqualTo(404);
  }

  @Test
  void loginMovesTokensIssuedByGrantTypeAndAlgorithm() {
    double before = Scrape.of(management).value("keycard_tokens_issued_total", "grant_type=\"password\"",
        "algorithm=\"ES256\"");

    keycard.http().login("ada", "correct horse");

    assertThat(Scrape.of(management).value("keycard_tokens_issued_total", "grant_type=\"password\"",
        "algorithm=\"ES256\"")).isEqualTo(before + 1);
  }

  @Test
  void bearerChecksAreCountedByOutcomeAndReason() {
    String token = keycard.http().login("ada", "correct horse").json().getString("access_token");

    keycard.http().me(token);
    keycard.http().me(withAnotherSignature(token));
    keycard.http().me("garbage");
    keycard.http().get("/api/v1/me");

    Scrape scrape = Scrape.of(management);
    assertThat(scrape.value("keycard_bearer_checks_total", "outcome=\"accepted\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_bearer_checks_total", "reason=\"bad_signature\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_bearer_checks_total", "reason=\"malformed\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_bearer_checks_total", "reason=\"missing_token\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_bearer_checks_total", "reason=\"expired\"")).isZero(); // registered, not moved
    assertThat(scrape.text()).contains("keycard_bearer_checks_total{outcome=\"refused\",reason=\"expired\"} 0.0");
  }

  @Test
  void reuseAndRevocationsAreCounted() {
    JsonObject tokens = keycard.http().login("ada", "correct horse").json();
    JsonObject next = keycard.http().refresh(tokens.getString("refresh_token")).json();
    keycard.http().refresh(tokens.getString("refresh_token")); // reuse: the whole session is revoked
    JsonObject other = keycard.http().login("ada", "correct horse").json();
    keycard.http().postForm("/oauth2/revoke", params("token", other.getString("access_token")));
    keycard.http().post("/auth/logout", "application/json", "{}",
        "Authorization", "Bearer " + keycard.http().login("ada", "correct horse").json().getString("access_token"));

    Scrape scrape = Scrape.of(management);
    assertThat(next.getString("access_token")).isNotNull();
    assertThat(scrape.value("keycard_tokens_issued_total", "grant_type=\"refresh_token\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_refresh_reuse_total")).isEqualTo(1);
    assertThat(scrape.value("keycard_revocations_total", "cause=\"reuse\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_revocations_total", "kind=\"access_token\"", "cause=\"revoke\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_revocations_total", "cause=\"logout\"")).isEqualTo(1);
  }

  @Test
  void clientCredentialsAreCountedUnderTheirGrantType() {
    String secret = keycard.addClient("svc", "profile");
    keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("svc", secret));

    assertThat(Scrape.of(management).value("keycard_tokens_issued_total", "grant_type=\"client_credentials\""))
        .isEqualTo(1);
  }

  @Test
  void segmentFetchMovesTheEdgeCountersTheCacheAndTheOriginLatency() {
    String token = keycard.http().login("ada", "correct horse").json().getString("access_token");
    String ticket = keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token).json().getString("playlist_url");
    MediaClient edge = new MediaClient(keycard.edgeBase());
    String media = MediaClient.uriLines(edge.get(ticket).text()).get(0);
    String segment = MediaClient.uriLines(edge.get(media).text()).get(0);

    assertThat(edge.get(segment).status()).isEqualTo(200);
    assertThat(edge.get(segment).status()).isEqualTo(200);
    assertThat(edge.get(segment.replaceAll("sig=[A-Za-z0-9_-]+", "sig=" + "A".repeat(43))).status()).isEqualTo(403);

    Scrape scrape = Scrape.of(management);
    assertThat(scrape.value("keycard_stream_starts_total", "outcome=\"started\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_edge_requests_total", "outcome=\"playlist\"")).isEqualTo(2);
    assertThat(scrape.value("keycard_edge_requests_total", "outcome=\"segment\"")).isEqualTo(2);
    assertThat(scrape.value("keycard_edge_requests_total", "outcome=\"bad_signature\"")).isEqualTo(1);
    assertThat(scrape.value("cache_gets_total", "cache=\"edge.segments\"", "result=\"miss\"")).isEqualTo(1);
    assertThat(scrape.value("cache_gets_total", "cache=\"edge.segments\"", "result=\"hit\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_origin_fetch_seconds_count", "kind=\"segment\"")).isEqualTo(1);
    assertThat(scrape.value("keycard_origin_fetch_seconds_count", "kind=\"playlist\"")).isEqualTo(2);
    assertThat(scrape.has("keycard_origin_fetch_seconds_bucket")).isTrue();
    assertThat(scrape.value("keycard_streams_live")).isGreaterThanOrEqualTo(1); // the built-in demo
    // Every connection of a listener, whichever event loop took it (Vert.x's own gauge saw one loop's).
    assertThat(scrape.has("keycard_connections_open")).isTrue();
    assertThat(scrape.value("keycard_connections_open", "listener=\"edge\"")).isGreaterThanOrEqualTo(0);
    assertThat(scrape.has("vertx_http_server_active_connections")).isFalse();
    scrape.checkedByPromtool();
  }

  /**
   * The token with the first character of its signature changed. Not the last ones: the last
   * base64url character of a signature carries unused bits, so changing it can leave the decoded
   * signature as it was (this test once saw such a "tampered" token accepted).
   */
  private static String withAnotherSignature(String token) {
    int at = token.lastIndexOf('.') + 1;
    char replacement = token.charAt(at) == 'A' ? 'B' : 'A';
    return token.substring(0, at) + replacement + token.substring(at + 1);
  }
}
