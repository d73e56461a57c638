package dev.keycard.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.postgres.PostgresDatabase;
import dev.keycard.store.postgres.testing.RealPostgres;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisChangeFeed;
import dev.keycard.store.redis.RedisEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaled-out deployment as the README runs it: instances that share nothing but one real
 * PostgreSQL (the truth) and one real Redis (the fast path). A logout through one instance is refused
 * by the other long before its database catch-up would have found it, so Redis carried it; with Redis
 * killed, the catch-up still does, and no request fails. Skipped without PostgreSQL or Redis (failed
 * under {@code KEYCARD_REQUIRE_TOOLS=true}).
 */
class PostgresRedisInstancesTest {
  /** Well below the one-minute catch-up of the first test, generous for a loaded two-core machine. */
  private static final Duration THROUGH_REDIS = Duration.ofSeconds(10);

  @TempDir
  Path dir;
  @TempDir
  Path redisDir;
  private PostgresDatabase.Settings database;
  private RealRedis redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void servers() {
    database = RealPostgres.shared().newDatabase();
    redis = RealRedis.start(redisDir);
    open.add(redis);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private TestKeycard start(String name, Duration catchUp) {
    StoreConfig store = new StoreConfig.Postgres(database.jdbcUrl(), database.user(), database.password());
    ServerConfig config = new ServerConfig(dir.resolve(name), "127.0.0.1", 0, TestKeycard.ISSUER, TestKeycard.AUDIENCE,
        Duration.ofMinutes(15), TokenFormat.JWT, SigningAlgorithm.ES256, null, Duration.ofSeconds(30),
        Duration.ofDays(14), Duration.ofDays(30), Duration.ZERO, 8192, ListenerLimits.defaults(), store, catchUp);
    TestKeycard k = TestKeycard.start(config, InstantSource.system(),
        c -> RedisChangeFeed.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(200)));
    open.add(k);
    return k;
  }

  private static Duration untilRefused(TestKeycard at, String access, Duration bound) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      int status = at.http().me(access).status();
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (status == 401) {
        return waited;
      }
      assertThat(status).as("the other instance answers while it has not heard yet").isEqualTo(200);
      assertThat(waited).as("refused by the other instance within").isLessThan(bound);
      Thread.sleep(5);
    }
  }

  private static String logIn(TestKeycard at) {
    return at.http().login("carol", "carol's password").json().getString("access_token");
  }

  @Test
  void aLogoutThroughOneInstanceIsRefusedByTheOtherThroughRedisLongBeforeItsCatchUp() throws Exception {
    TestKeycard a = start("a", Duration.ofMinutes(1));
    TestKeycard b = start("b", Duration.ofMinutes(1));
    a.addUser("carol", "carol's password", "profile");

    for (int i = 0; i < 10; i++) {
      String access = logIn(b);
      assertThat(a.http().me(access).status()).isEqualTo(200);
      assertThat(b.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status()).isEqualTo(204);
      assertThat(b.http().me(access).status()).isEqualTo(401);
      untilRefused(a, access, THROUGH_REDIS);
    }
  }

  @Test
  void withRedisKilledALogoutStillReachesTheOtherInstanceByTheDatabaseCatchUp() throws Exception {
    TestKeycard a = start("a", Duration.ofMillis(500));
    TestKeycard b = start("b", Duration.ofMillis(500));
    a.addUser("carol", "carol's password", "profile");
    String access = logIn(b);
    assertThat(a.http().me(access).status()).isEqualTo(200);

    redis.kill();
    assertThat(b.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status()).isEqualTo(204);
    untilRefused(a, access, THROUGH_REDIS);

    String later = logIn(a);
    assertThat(b.http().me(later).status()).as("validation goes on without Redis").isEqualTo(200);
  }
}
