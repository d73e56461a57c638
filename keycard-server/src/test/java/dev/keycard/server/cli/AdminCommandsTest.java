package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisChangeFeed;
import dev.keycard.store.redis.RedisEndpoint;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycard sessions list|revoke|revoke-all}, {@code keycard users list|remove} and
 * {@code keycard clients list|remove}, run against the data directory of a running server: what the
 * CLI revokes, the server refuses from its next denylist catch-up, or at once when told through Redis.
 */
class AdminCommandsTest {
  /** Generous for a loaded two-core machine; a catch-up runs every second. */
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private TestKeycard keycard;
  private RealRedis redis;

  @AfterEach
  void stop() {
    if (keycard != null) {
      keycard.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] withDir = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--data-dir", dataDir.toString())).toArray(String[]::new);
    return KeycardCommand.execute(withDir, new ByteArrayInputStream("a good password\n".getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private TestHttp server() {
    keycard = TestKeycard.start(dataDir);
    return keycard.http();
  }

  private static JsonObject login(TestHttp http, String user) {
    TestHttp.Answer login = http.login(user, "a good password");
    assertThat(login.status()).isEqualTo(200);
    return login.json();
  }

  /** How long until {@code condition} held; fails after {@link #BOUND}. */
  private static Duration within(BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      Thread.sleep(10);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void sessionsListShowsEachLiveSessionAndRevokeStopsItsTokensOnTheRunningServer() throws Exception {
    TestHttp http = server();
    assertThat(run("users", "add", "alice", "--password-stdin", "--scope", "profile")).isZero();
    String phone = login(http, "alice").getString("access_token");
    String laptop = login(http, "alice").getString("access_token");

    assertThat(run("sessions", "list", "alice")).isZero();
    String[] rows = out.toString().lines().skip(1).toArray(String[]::new);
    assertThat(rows).hasSize(2);
    assertThat(out.toString()).startsWith("SID").contains("keycard", "profile");
    String first = rows[0].split("\\s+")[0];

    assertThat(run("sessions", "revoke", first)).isZero();
    assertThat(out.toString()).contains("session " + first + " revoked", "denylist catch-up");

    Duration took = within(() -> http.me(phone).status() == 401);
    System.out.println("CLI revocation refused by the running server after " + took.toMillis() + " ms");
    assertThat(http.me(laptop).status()).isEqualTo(200);
    assertThat(run("sessions", "list", "alice")).isZero();
    assertThat(out.toString().lines().skip(1)).hasSize(1).noneMatch(l -> l.startsWith(first));

    assertThat(run("sessions", "revoke-all", "alice")).isZero();
    assertThat(out.toString()).contains("1 session of alice revoked");
    within(() -> http.me(laptop).status() == 401);
  }

  @Test
  void revokeThroughRedisReachesTheServerLongBeforeItsCatchUp() throws Exception {
    redis = RealRedis.start(dataDir.resolve("redis"));
    // A catch-up once a minute: only the Redis message can make the revocation take effect in time.
    ServerConfig config = TestKeycard.config(dataDir).withDenylistCatchUp(Duration.ofMinutes(1));
    keycard = TestKeycard.start(config, InstantSource.system(),
        c -> RedisChangeFeed.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(200)));
    TestHttp http = keycard.http();
    assertThat(run("users", "add", "bob", "--password-stdin")).isZero();
    String token = login(http, "bob").getString("access_token");
    within(keycard.server()::feedConnected);

    assertThat(run("sessions", "revoke-all", "bob", "--redis-url", redis.url())).isZero();
    assertThat(out.toString()).contains("1 session of bob revoked", "told through Redis");

    Duration took = within(() -> http.me(token).status() == 401);
    System.out.println("CLI revocation through Redis refused after " + took.toMillis() + " ms");
  }

  @Test
  void usersListAndRemoveRevokesTheUsersSessionsFirst() throws Exception {
    TestHttp http = server();
    assertThat(run("users", "add", "carol", "--password-stdin", "--scope", "profile stream:watch")).isZero();
    assertThat(run("users", "add", "dave", "--password-stdin")).isZero();
    String token = login(http, "carol").getString("access_token");

    assertThat(run("users", "list")).isZero();
    assertThat(out.toString()).startsWith("NAME").contains("carol", "dave", "profile stream:watch")
        .doesNotContain("argon2");

    assertThat(run("users", "remove", "carol")).isZero();
    assertThat(out.toString()).contains("user carol removed; 1 session revoked");
    within(() -> http.me(token).status() == 401);
    assertThat(http.login("carol", "a good password").status()).isEqualTo(401);

    assertThat(run("users", "remove", "carol")).isEqualTo(2);
    assertThat(err.toString()).contains("no user 'carol'");
    assertThat(run("sessions", "list", "carol")).isEqualTo(2);
    assertThat(run("sessions", "revoke", "no-such-sid")).isEqualTo(2);
    assertThat(err.toString()).contains("no session 'no-such-sid'");
  }

  @Test
  void clientsListWithoutSecretsAndRemove() {
    assertThat(run("clients", "add", "encoder", "--scope", "stream:publish")).isZero();
    String secret = out.toString().lines().filter(l -> l.startsWith("client_secret: ")).findFirst().orElseThrow()
        .substring("client_secret: ".length());
    assertThat(run("clients", "add", "web", "--public")).isZero();

    assertThat(run("clients", "list")).isZero();
    assertThat(out.toString()).startsWith("ID").contains("encoder", "confidential", "stream:publish", "web", "public")
        .doesNotContain(secret);

    assertThat(run("clients", "remove", "encoder")).isZero();
    assertThat(out.toString()).contains("client encoder removed");
    assertThat(run("clients", "list")).isZero();
    assertThat(out.toString()).doesNotContain("encoder");
    assertThat(run("clients", "remove", "encoder")).isEqualTo(2);
    assertThat(err.toString()).contains("no client 'encoder'");
  }
}
