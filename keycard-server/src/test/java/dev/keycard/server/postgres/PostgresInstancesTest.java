package dev.keycard.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.secret.Secrets;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.postgres.PostgresDatabase;
import dev.keycard.store.postgres.testing.RealPostgres;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several real keycard instances (each its own Vert.x, pools and denylist) on one real PostgreSQL, as
 * behind a load balancer: a refresh token rotated on one and replayed on another, a burst of refreshes
 * of one token spread over two, a key rotation reaching a running instance. Skipped without
 * PostgreSQL (failed under {@code KEYCARD_REQUIRE_TOOLS=true}).
 */
class PostgresInstancesTest {
  /** Generous for a loaded two-core machine; the catch-up runs every 200 ms here. */
  private static final Duration BOUND = Duration.ofSeconds(15);

  @TempDir
  Path dir;
  private PostgresDatabase.Settings database;
  private final List<TestKeycard> instances = new ArrayList<>();

  @BeforeEach
  void freshDatabase() {
    database = RealPostgres.shared().newDatabase();
  }

  @AfterEach
  void stop() {
    instances.forEach(TestKeycard::close);
  }

  /** An instance on the test's database, with its own data directory (media only) and the given grace window. */
  private TestKeycard start(Duration refreshGrace) {
    TestKeycard k = startUnlisted(refreshGrace, "instance-" + instances.size());
    instances.add(k);
    return k;
  }

  private static void await(Supplier<Boolean> done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.get()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the other instance").isLessThan(BOUND);
      Thread.sleep(50);
    }
  }

  @Test
  void aRefreshTokenRotatedOnOneInstanceAndReusedOnAnotherEndsTheSessionEverywhere() throws Exception {
    TestKeycard a = start(Duration.ZERO);
    TestKeycard b = start(Duration.ZERO);
    a.addUser("alice", "alice's password", "profile");
    Answer login = a.http().login("alice", "alice's password");
    String first = login.json().getString("refresh_token");

    Answer rotated = a.http().refresh(first);
    assertThat(rotated.status()).isEqualTo(200);
    String second = rotated.json().getString("refresh_token");
    String access = rotated.json().getString("access_token");
    assertThat(b.http().me(access).status()).isEqualTo(200);

    Answer reuse = b.http().refresh(first);
    assertThat(reuse.status()).isEqualTo(400);
    assertThat(reuse.json().getString("error")).isEqualTo("invalid_grant");

    assertThat(a.http().refresh(second).status()).as("the family is revoked for every instance").isEqualTo(400);
    assertThat(b.http().me(access).status()).isEqualTo(401);
    await(() -> a.http().me(access).status() == 401);
    assertThat(a.http().me(login.json().getString("access_token")).status()).isEqualTo(401);
  }

  /** With no grace window: exactly one rotation, every other presentation is reuse. */
  @Test
  void twoHundredConcurrentRefreshesOfOneTokenOverTwoInstancesHaveExactlyOneWinner() throws Exception {
    TestKeycard a = start(Duration.ZERO);
    TestKeycard b = start(Duration.ZERO);
    a.addUser("bob", "bob's password", "profile");
    String refresh = a.http().login("bob", "bob's password").json().getString("refresh_token");

    List<Answer> answers = race(200, i -> (i % 2 == 0 ? a : b).http().refresh(refresh));

    List<Answer> won = answers.stream().filter(r -> r.status() == 200).toList();
    assertThat(won).hasSize(1);
    assertThat(answers).filteredOn(r -> r.status() != 200)
        .allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(400);
          assertThat(r.json().getString("error")).isEqualTo("invalid_grant");
        });
    assertThat(tokensInFamilyOf(refresh)).as("one rotation stored: the first token and one successor").isEqualTo(2);
    // The others were reuse: the session is over, the winner's tokens included.
    String winner = won.getFirst().json().getString("refresh_token");
    assertThat(a.http().refresh(winner).status()).isEqualTo(400);
    assertThat(b.http().refresh(winner).status()).isEqualTo(400);
  }

  /** With the grace window, the racers are one client's retries: all get the one successor, none is reuse. */
  @Test
  void twoHundredConcurrentRefreshesInsideTheGraceWindowAllGetTheOneSuccessor() throws Exception {
    TestKeycard a = start(Duration.ofSeconds(10));
    TestKeycard b = start(Duration.ofSeconds(10));
    a.addUser("carl", "carl's password", "profile");
    String refresh = a.http().login("carl", "carl's password").json().getString("refresh_token");

    List<Answer> answers = race(200, i -> (i % 2 == 0 ? a : b).http().refresh(refresh));

    Set<String> successors = new HashSet<>();
    for (Answer r : answers) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      successors.add(r.json().getString("refresh_token"));
    }
    assertThat(successors).hasSize(1);
    assertThat(tokensInFamilyOf(refresh)).isEqualTo(2);
    assertThat(b.http().refresh(successors.iterator().next()).status()).isEqualTo(200);
  }

  @Test
  void keysRotateThroughTheCliReachesARunningInstanceWithoutARestart() throws Exception {
    TestKeycard a = start(Duration.ZERO);
    TestKeycard b = start(Duration.ZERO);
    a.addUser("dora", "dora's password", "profile");
    String before = a.http().login("dora", "dora's password").json().getString("access_token");
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dir.resolve("cli").toString(),
            "--database-url", RealPostgres.databaseUrl(database)},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        Map.of("KEYCARD_DATABASE_PASSWORD", database.password()));
    assertThat(exit).as(err.toString()).isZero();
    // The periodic reload (every 10 s), run now instead of waiting for its timer.
    a.server().runMaintenance();
    b.server().runMaintenance();

    String after = a.http().login("dora", "dora's password").json().getString("access_token");
    String newKid = SignedJWT.parse(after).getHeader().getKeyID();
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(b.http().get("/.well-known/jwks.json").body()).contains(newKid, oldKid);
    assertThat(b.http().me(after).status()).isEqualTo(200);
    assertThat(b.http().me(before).status()).as("the retired key still verifies").isEqualTo(200);
  }

  @Test
  void instancesStartingTogetherOnAnEmptyDatabaseMakeOneSigningKeyAndOneUrlKey() throws Exception {
    database = RealPostgres.shared().newEmptyDatabase(); // the instances race the migration too
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<TestKeycard>> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        started.add(pool.submit(() -> {
          go.await();
          return startUnlisted(Duration.ZERO, "racer-" + Thread.currentThread().threadId());
        }));
      }
      go.countDown();
      for (Future<TestKeycard> f : started) {
        instances.add(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdown();
    }
    TestKeycard a = instances.get(0);
    assertThat(a.server().stores().signingKeys().all()).hasSize(1);
    assertThat(a.server().stores().urlKeys().newestFirst()).hasSize(1);
    a.addUser("emil", "emil's password", "profile");
    String token = instances.get(1).http().login("emil", "emil's password").json().getString("access_token");
    assertThat(instances.get(2).http().me(token).status()).isEqualTo(200);
  }

  private TestKeycard startUnlisted(Duration refreshGrace, String name) {
    StoreConfig store = new StoreConfig.Postgres(database.jdbcUrl(), database.user(), database.password());
    ServerConfig config = new ServerConfig(dir.resolve(name), "127.0.0.1", 0, TestKeycard.ISSUER, TestKeycard.AUDIENCE,
        Duration.ofMinutes(15), TokenFormat.JWT, SigningAlgorithm.ES256, null, Duration.ofSeconds(30),
        Duration.ofDays(14), Duration.ofDays(30), refreshGrace, 8192, ListenerLimits.defaults(), store,
        Duration.ofMillis(200));
    return TestKeycard.start(config, StreamingConfig.defaults(), InstantSource.system());
  }

  @FunctionalInterface
  private interface Request {
    Answer send(int i) throws Exception;
  }

  /** {@code n} requests released at once from 50 client threads. */
  private static List<Answer> race(int n, Request request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          go.await();
          return request.send(index);
        }));
      }
      go.countDown();
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> f : futures) {
        answers.add(f.get(120, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private int tokensInFamilyOf(String refreshToken) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        PreparedStatement ps = c.prepareStatement("""
            SELECT count(*) FROM refresh_tokens
            WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE hash = ?)""")) {
      ps.setString(1, Secrets.hash(refreshToken));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
