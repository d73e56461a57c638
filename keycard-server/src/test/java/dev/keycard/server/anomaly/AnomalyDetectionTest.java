package dev.keycard.server.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.account.User;
import dev.keycard.core.anomaly.AnomalyKind;
import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.geo.Geolocation.Location;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.AnomalyDetection;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.config.TrustedProxies;
import dev.keycard.server.store.StoreFactory;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of anomaly triggered on purpose against a real server, with client addresses supplied by a
 * trusted proxy ({@code X-Forwarded-For} from 127.0.0.1) and placed by a real GeoLite2 City database
 * (the 2019 one of {@code org.elasticsearch:geolite2-databases}): seen in the audit trail, the metrics
 * and the admin API; and the {@code revoke} policy cutting the session off at the API and the edge.
 */
class AnomalyDetectionTest {
  /** Addresses of well-known networks on several continents; the database says where they are. */
  private static final List<String> CANDIDATES = List.of("8.8.8.8", "81.2.69.142", "193.0.6.139", "202.12.29.1",
      "200.160.2.3", "133.11.0.1", "195.113.0.1", "212.58.244.20", "1.0.16.1", "41.0.0.1", "103.1.1.1");
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  private static Path database;
  /** Two addresses the database places in different countries, further apart than any flight in a minute. */
  private static String home;
  private static String faraway;
  private static String homeCountry;
  private static String farawayCountry;

  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private KeycardServer server;
  private TestHttp http;

  @BeforeAll
  static void extractTheGeoLite2Database() throws IOException {
    database = shared.resolve("GeoLite2-City.mmdb");
    try (InputStream in = AnomalyDetectionTest.class.getResourceAsStream("/GeoLite2-City.mmdb")) {
      assertThat(in).as("GeoLite2-City.mmdb on the test class path").isNotNull();
      Files.copy(in, database);
    }
    Map<String, Location> places = new LinkedHashMap<>();
    try (MaxMindGeolocation geo = MaxMindGeolocation.open(database)) {
      for (String ip : CANDIDATES) {
        geo.locate(ip).filter(l -> l.country() != null).ifPresent(l -> places.put(ip, l));
      }
    }
    for (var a : places.entrySet()) {
      for (var b : places.entrySet()) {
        Location x = a.getValue();
        Location y = b.getValue();
        if (home == null && !x.country().equals(y.country())
            && x.distanceKm(y) - x.accuracyRadiusKm() - y.accuracyRadiusKm() > 3000) {
          home = a.getKey();
          faraway = b.getKey();
          homeCountry = x.country();
          farawayCountry = y.country();
        }
      }
    }
    assertThat(home).as("two candidates in distinct countries far apart, among " + places).isNotNull();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(InstantSource clock, UnaryOperator<AnomalyDetection> anomalies) {
    start(clock, TestKeycard.config(dir.resolve("data")), anomalies);
  }

  private void start(InstantSource clock, ServerConfig base, UnaryOperator<AnomalyDetection> anomalies) {
    ServerConfig config = base.withAbuse(base.abuse().withTrustedProxies(TrustedProxies.parse("127.0.0.1"))
        .withAnomalies(anomalies.apply(AnomalyDetection.defaults().withGeoipDatabase(database))));
    server = KeycardServer.start(config, StreamingConfig.defaults(), Roles.ALL, clock, TestKeycard.FAST_HASHER,
        StoreFactory.open(config.store()), ChangeFeed.NONE, audit::add);
    http = TestHttp.at("http://127.0.0.1:" + server.port());
    server.stores().users().add(new User("alice", TestKeycard.FAST_HASHER.hash(PASSWORD),
        Scopes.parse("stream:watch"), clock.instant()));
    server.stores().users().add(new User("root", TestKeycard.FAST_HASHER.hash(PASSWORD),
        Scopes.parse(Scopes.ADMIN), clock.instant()));
  }

  private void start(UnaryOperator<AnomalyDetection> anomalies) {
    start(InstantSource.system(), anomalies);
  }

  private String login(String user, String fromIp) {
    Answer answer = http.postJson("/auth/login", new JsonObject().put("username", user).put("password", PASSWORD),
        "X-Forwarded-For", fromIp);
    assertThat(answer.status()).isEqualTo(200);
    return answer.json().getString("access_token");
  }

  private Answer me(String token, String fromIp) {
    return http.get("/api/v1/me", "Authorization", "Bearer " + token, "X-Forwarded-For", fromIp);
  }

  private List<AuditEvent> anomalyEvents(AnomalyKind kind) {
    return audit.stream().filter(e -> e.action() == AuditAction.ANOMALY_DETECTED)
        .filter(e -> kind.wireName().equals(e.details().get("kind"))).toList();
  }

  private double counted(AnomalyKind kind) {
    Counter counter = server.services().monitoring().meters().find("keycard.anomalies").tag("kind", kind.wireName())
        .counter();
    return counter == null ? 0 : counter.count();
  }

  private JsonArray listed(String query) {
    Answer answer = http.get("/api/v1/admin/anomalies" + query, "Authorization", "Bearer " + login("root", "127.0.0.1"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    return answer.json().getJsonArray("anomalies");
  }

  private static List<JsonObject> ofKind(JsonArray list, AnomalyKind kind) {
    List<JsonObject> found = new ArrayList<>();
    list.forEach(o -> {
      if (kind.wireName().equals(((JsonObject) o).getString("kind"))) {
        found.add((JsonObject) o);
      }
    });
    return found;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited for " + what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void floodWhenSessionExceedsTheCeilingThenAuditedCountedAndListedButStillServedUnderRecord() {
    start(a -> a.withFloodCeiling(30));
    String token = login("alice", home);

    for (int i = 0; i < 40; i++) {
      assertThat(me(token, home).status()).isEqualTo(200);
    }

    assertThat(anomalyEvents(AnomalyKind.FLOOD)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("recorded");
      assertThat(e.subject()).isEqualTo("alice");
      assertThat(e.sessionId()).isNotNull();
      assertThat(e.clientIp()).isEqualTo(home);
      assertThat(e.country()).isEqualTo(homeCountry);
      assertThat(e.details()).containsEntry("rate_per_minute", "31").containsEntry("ceiling_per_minute", "30")
          .containsEntry("policy", "record");
      assertThat(e.toString()).doesNotContain(token);
    });
    assertThat(counted(AnomalyKind.FLOOD)).isEqualTo(1.0);
    JsonObject listed = ofKind(listed("?user=alice"), AnomalyKind.FLOOD).get(0);
    assertThat(listed.getString("user")).isEqualTo("alice");
    assertThat(listed.getString("action")).isEqualTo("recorded");
    assertThat(listed.getString("client_ip")).isEqualTo(home);
    assertThat(listed.getJsonObject("details").getString("rate_per_minute")).isEqualTo("31");
    assertThat(me(token, home).status()).isEqualTo(200);
  }

  @Test
  void sharingWhenOneSessionIsUsedFromManyNetworksThenDetected() {
    start(a -> a.withSharing(3, Duration.ofMinutes(10)));
    String token = login("alice", "198.51.100.7");

    for (String ip : List.of("198.51.100.7", "198.51.100.8", "203.0.113.9", "192.0.2.10", "2001:db8::1")) {
      assertThat(me(token, ip).status()).isEqualTo(200);
    }

    assertThat(anomalyEvents(AnomalyKind.SHARING)).singleElement().satisfies(e -> {
      assertThat(e.clientIp()).isEqualTo("2001:db8::1");
      assertThat(e.details()).containsEntry("networks", "4").containsEntry("threshold", "3");
    });
    assertThat(counted(AnomalyKind.SHARING)).isEqualTo(1.0);
    assertThat(ofKind(listed(""), AnomalyKind.SHARING)).hasSize(1);
  }

  @Test
  void sharingWhenOpaqueTokensAreCheckedOnAWorkerThenDetectedAlike() {
    ServerConfig c = TestKeycard.config(dir.resolve("data"));
    start(InstantSource.system(), new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(),
        c.accessTokenTtl(), TokenFormat.OPAQUE, c.algorithm(), null, c.clockSkew(), c.refreshIdleTtl(),
        c.refreshAbsoluteTtl(), c.refreshGrace(), c.maxTokenSize()), a -> a.withSharing(1, Duration.ofMinutes(10)));
    String token = login("alice", "198.51.100.7");

    assertThat(me(token, "198.51.100.7").status()).isEqualTo(200);
    assertThat(me(token, "203.0.113.9").status()).isEqualTo(200);

    assertThat(anomalyEvents(AnomalyKind.SHARING)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("networks", "2"));
  }

  @Test
  void newCountryWhenAccountComesBackFromAnotherCountryThenDetectedWithoutTravel() {
    MutableClock clock = new MutableClock(Instant.now());
    start(clock, a -> a);
    assertThat(me(login("alice", home), home).status()).isEqualTo(200);

    clock.advance(Duration.ofDays(2)); // time enough to fly anywhere
    assertThat(me(login("alice", faraway), faraway).status()).isEqualTo(200);

    assertThat(anomalyEvents(AnomalyKind.NEW_COUNTRY)).singleElement().satisfies(e -> {
      assertThat(e.country()).isEqualTo(farawayCountry);
      assertThat(e.clientIp()).isEqualTo(faraway);
      assertThat(e.details()).containsEntry("country", farawayCountry).containsEntry("known_countries", homeCountry);
    });
    assertThat(anomalyEvents(AnomalyKind.IMPOSSIBLE_TRAVEL)).isEmpty();
    assertThat(counted(AnomalyKind.NEW_COUNTRY)).isEqualTo(1.0);
    assertThat(ofKind(listed("?user=alice"), AnomalyKind.NEW_COUNTRY)).singleElement()
        .satisfies(a -> assertThat(a.getString("country")).isEqualTo(farawayCountry));
  }

  @Test
  void impossibleTravelWhenConsecutiveUsesAreContinentsApartThenDetected() {
    start(a -> a);
    String token = login("alice", home);
    assertThat(me(token, home).status()).isEqualTo(200);

    assertThat(me(token, faraway).status()).isEqualTo(200);

    assertThat(anomalyEvents(AnomalyKind.IMPOSSIBLE_TRAVEL)).singleElement().satisfies(e -> {
      assertThat(e.clientIp()).isEqualTo(faraway);
      assertThat(e.country()).isEqualTo(farawayCountry);
      assertThat(e.details()).containsEntry("from_ip", home).containsEntry("from_country", homeCountry)
          .containsEntry("max_speed_kmh", "1000.0");
      assertThat(Double.parseDouble(e.details().get("speed_kmh"))).isGreaterThan(1000);
    });
    assertThat(counted(AnomalyKind.IMPOSSIBLE_TRAVEL)).isEqualTo(1.0);
    assertThat(ofKind(listed("?user=alice"), AnomalyKind.IMPOSSIBLE_TRAVEL)).hasSize(1);
    assertThat(listed("?user=nobody")).isEmpty();
  }

  @Test
  void revokePolicyWhenSessionFloodsThenItIsCutOffAtTheApiAndTheEdge() throws InterruptedException {
    start(a -> a.withFloodCeiling(20).withPolicies(AnomalyDetection.parsePolicies("flood=revoke")));
    String token = login("alice", home);
    MediaClient edge = new MediaClient("http://127.0.0.1:" + server.edgePort());
    String media = openPlayback(edge, token, home);

    for (int i = 0; i < 21; i++) {
      me(token, home);
    }

    await("the API to refuse the session", () -> me(token, home).status() == 401);
    await("the edge to refuse the session", () -> edge.get(media, "X-Forwarded-For", home).status() == 403);
    assertThat(anomalyEvents(AnomalyKind.FLOOD)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("revoked"));
    assertThat(ofKind(listed("?user=alice"), AnomalyKind.FLOOD).get(0).getString("action")).isEqualTo("revoked");
    // Another session of the same account is not touched.
    assertThat(me(login("alice", home), home).status()).isEqualTo(200);
  }

  @Test
  void revokePolicyWhenPlaybackUrlsAreSharedAtTheEdgeThenTheSessionIsCutOff() throws InterruptedException {
    start(a -> a.withSharing(2, Duration.ofMinutes(10)).withPolicies(AnomalyDetection.parsePolicies("sharing=revoke")));
    String token = login("alice", "198.51.100.7");
    MediaClient edge = new MediaClient("http://127.0.0.1:" + server.edgePort());
    String media = openPlayback(edge, token, "198.51.100.7");

    assertThat(edge.get(media, "X-Forwarded-For", "203.0.113.9").status()).isEqualTo(200);
    edge.get(media, "X-Forwarded-For", "192.0.2.10");

    await("the edge to refuse the shared URLs", () -> edge.get(media, "X-Forwarded-For", "198.51.100.7").status() == 403);
    await("the API to refuse the session", () -> me(token, "198.51.100.7").status() == 401);
    assertThat(anomalyEvents(AnomalyKind.SHARING)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("revoked");
      assertThat(e.subject()).isEqualTo("alice");
      assertThat(e.details()).containsEntry("where", "edge").containsEntry("networks", "3");
    });
    assertThat(counted(AnomalyKind.SHARING)).isEqualTo(1.0);
  }

  @Test
  void adminApiWhenTokenLacksTheAdminScopeThenForbidden() {
    start(a -> a);
    String token = login("alice", home);

    Answer forbidden = http.get("/api/v1/admin/anomalies", "Authorization", "Bearer " + token);
    Answer anonymous = http.get("/api/v1/admin/anomalies");
    Answer badLimit = http.get("/api/v1/admin/anomalies?limit=0", "Authorization", "Bearer " + login("root", home));

    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().getString("error")).isEqualTo("insufficient_scope");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.json().getString("error")).isEqualTo("invalid_request");
  }

  /** Stream-start for the demo stream, the ticket redeemed at the edge: the media playlist URL players reload. */
  private String openPlayback(MediaClient edge, String token, String fromIp) {
    Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token, "X-Forwarded-For", fromIp);
    assertThat(started.status()).isEqualTo(200);
    MediaClient.Reply master = edge.get(started.json().getString("playlist_url"), "X-Forwarded-For", fromIp);
    assertThat(master.status()).isEqualTo(200);
    String media = MediaClient.uriLines(master.text()).get(0);
    assertThat(edge.get(media, "X-Forwarded-For", fromIp).status()).isEqualTo(200);
    return media;
  }
}
