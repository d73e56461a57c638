package dev.keycard.server.postgres;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.postgres.PostgresDatabase;
import dev.keycard.store.postgres.testing.RealPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults on a private PostgreSQL, with traffic running: stopped (immediate shutdown) under
 * load, and started again. What needs the database answers 503 JSON with {@code Retry-After}; what
 * does not (JWT validation, the edge's playback) goes on; keycard recovers by itself. What keycard
 * acknowledged before the shutdown is still there after it. The database password never reaches the
 * logs.
 */
class PostgresOutageTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  private RealPostgres pg;
  private PostgresDatabase.Settings database;
  private final List<TestKeycard> instances = new ArrayList<>();

  @BeforeEach
  void privatePostgres() {
    pg = RealPostgres.create();
    database = pg.newDatabase();
  }

  @AfterEach
  void stop() {
    instances.forEach(TestKeycard::close);
    if (pg != null) {
      pg.close();
    }
  }

  private TestKeycard start(TokenFormat format) {
    StoreConfig store = new StoreConfig.Postgres(database.jdbcUrl(), database.user(), database.password());
    ServerConfig config = new ServerConfig(dir.resolve("instance-" + instances.size()), "127.0.0.1", 0,
        TestKeycard.ISSUER, TestKeycard.AUDIENCE, Duration.ofMinutes(15), format, SigningAlgorithm.ES256, null,
        Duration.ofSeconds(30), Duration.ofDays(14), Duration.ofDays(30), Duration.ofSeconds(10), 8192,
        ListenerLimits.defaults(), store, Duration.ofMillis(200));
    TestKeycard k = TestKeycard.start(config, StreamingConfig.defaults(), InstantSource.system());
    instances.add(k);
    return k;
  }

  private static void await(Supplier<Boolean> done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.get()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for recovery").isLessThan(BOUND);
      Thread.sleep(100);
    }
  }

  private static void assertStoreOutage(Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(503);
    assertThat(answer.header("Retry-After")).isEqualTo("5");
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    // The store's 503, not the request deadline's: answered within the database timeouts.
    assertThat(answer.json().getString("error_description")).isEqualTo("A backing store is unavailable; retry later");
    assertThat(answer.body()).doesNotContain("Exception", "jdbc", "postgres");
  }

  @Test
  void postgresqlStoppedUnderTrafficIs503WhereNeededValidationAndPlaybackGoOnAndKeycardRecovers() throws Exception {
    try (CapturedLogs logs = new CapturedLogs()) {
      TestKeycard a = start(TokenFormat.JWT);
      TestKeycard b = start(TokenFormat.OPAQUE);
      a.addUser("alice", "alice's password", "profile stream:watch");
      String rsSecret = b.addClient("resource-server", "");
      JsonObject tokens = a.http().login("alice", "alice's password").json();
      String access = tokens.getString("access_token");
      String refresh = tokens.getString("refresh_token");
      String opaque = b.http().login("alice", "alice's password").json().getString("access_token");
      MediaClient edge = new MediaClient(a.server().edgeBaseUrl());
      String ticket = a.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + access).json().getString("playlist_url");
      MediaClient.Reply media = edge.mediaPlaylist(ticket);
      assertThat(media.status()).isEqualTo(200);
      String segment = MediaClient.uriLines(media.text()).getFirst();
      assertThat(edge.get(segment).status()).isEqualTo(200);

      // Traffic all along: bearer checks and logins, counted by status; an exception is an unanswered request.
      ConcurrentMap<String, AtomicInteger> seen = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread traffic = Thread.ofPlatform().start(() -> {
        while (running.get()) {
          try {
            seen.computeIfAbsent("me " + a.http().me(access).status(), k -> new AtomicInteger()).incrementAndGet();
            seen.computeIfAbsent("login " + a.http().login("alice", "alice's password").status(),
                k -> new AtomicInteger()).incrementAndGet();
          } catch (RuntimeException e) {
            seen.computeIfAbsent("unanswered " + e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
          }
        }
      });
      Thread.sleep(500);

      pg.stopImmediately();

      assertStoreOutage(a.http().login("alice", "alice's password"));
      assertStoreOutage(a.http().refresh(refresh));
      assertStoreOutage(a.http().postForm("/oauth2/revoke", params("token", refresh)));
      assertStoreOutage(b.http().postForm("/oauth2/introspect", params("token", opaque),
          "Authorization", basic("resource-server", rsSecret)));
      assertStoreOutage(b.http().me(opaque));
      assertThat(a.http().me(access).status()).as("a JWT needs no database").isEqualTo(200);
      assertThat(edge.mediaPlaylist(ticket).status()).as("playback needs no database").isEqualTo(200);
      assertThat(edge.get(segment).status()).isEqualTo(200);

      pg.start();

      await(() -> a.http().login("alice", "alice's password").status() == 200);
      assertThat(a.http().refresh(refresh).status()).as("the outage spent nothing").isEqualTo(200);
      await(() -> b.http().me(opaque).status() == 200);
      running.set(false);
      traffic.join();

      assertThat(seen.keySet()).allSatisfy(k -> assertThat(k).matches("(me 200|login (200|503))"));
      assertThat(seen).containsKeys("login 503", "login 200");
      assertThat(logs.lines()).noneMatch(line -> line.contains(database.password()));
      System.out.println("requests during the outage test: " + seen);
    }
  }

  /** synchronous_commit on: what keycard answered before an immediate shutdown is in the WAL. */
  @Test
  void anAcknowledgedRotationAndRevocationSurviveAnImmediateShutdownOfPostgresql() throws Exception {
    TestKeycard a = start(TokenFormat.JWT);
    a.addUser("bob", "bob's password", "profile");
    JsonObject first = a.http().login("bob", "bob's password").json();
    Answer rotated = a.http().refresh(first.getString("refresh_token"));
    assertThat(rotated.status()).isEqualTo(200);
    JsonObject second = a.http().login("bob", "bob's password").json();
    assertThat(a.http().post("/auth/logout", null, "", "Authorization", "Bearer " + second.getString("access_token"))
        .status()).isEqualTo(204);

    pg.stopImmediately();
    pg.start();

    TestKeycard fresh = start(TokenFormat.JWT); // reads the denylist from the database alone
    assertThat(fresh.http().me(second.getString("access_token")).status()).as("the logout").isEqualTo(401);
    assertThat(fresh.http().refresh(second.getString("refresh_token")).status()).isEqualTo(400);
    String successor = rotated.json().getString("refresh_token");
    assertThat(fresh.http().refresh(successor).status()).as("the rotation's successor").isEqualTo(200);
  }
}
