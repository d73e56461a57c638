package dev.keycard.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisChangeFeed;
import dev.keycard.store.redis.RedisEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycard_revocation_propagation_seconds}: two instances on one database and a real Redis; a
 * logout through one is recorded by the other when the change message arrives, and not by the one
 * that made it.
 */
class RevocationPropagationMetricTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;
  @TempDir
  Path redisDir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private TestKeycard start(RealRedis redis) {
    // A catch-up once a minute: only the Redis message brings the revocation sooner.
    ServerConfig config = TestKeycard.config(dataDir).withDenylistCatchUp(Duration.ofMinutes(1));
    TestKeycard k = TestKeycard.start(config, InstantSource.system(),
        c -> RedisChangeFeed.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(200)));
    open.add(k);
    return k;
  }

  private static Scrape scrape(TestKeycard k) {
    return Scrape.of(TestHttp.at("http://127.0.0.1:" + k.server().managementPort()));
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the other instance").isLessThan(BOUND);
      Thread.sleep(5);
    }
  }

  @Test
  void logoutThroughOneInstanceIsTimedByTheOtherWhenItsMessageArrives() throws Exception {
    RealRedis redis = RealRedis.start(redisDir);
    open.add(redis);
    TestKeycard a = start(redis);
    TestKeycard b = start(redis);
    await(() -> a.server().feedConnected() && b.server().feedConnected());
    a.addUser("alice", "alice's password", "profile");
    String access = b.http().login("alice", "alice's password").json().getString("access_token");

    assertThat(b.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status()).isEqualTo(204);

    await(() -> scrape(a).value("keycard_revocation_propagation_seconds_count") >= 1);
    Scrape atA = scrape(a);
    double seconds = atA.value("keycard_revocation_propagation_seconds_sum")
        / atA.value("keycard_revocation_propagation_seconds_count");
    System.out.printf("revocation propagation B -> A through Redis: %.1f ms%n", seconds * 1000);
    assertThat(seconds).isBetween(0.0, BOUND.toSeconds() + 0.0);
    assertThat(atA.value("keycard_revocation_propagation_seconds_bucket", "le=\"+Inf\"")).isGreaterThanOrEqualTo(1);
    assertThat(scrape(b).value("keycard_revocation_propagation_seconds_count")).isZero();
  }
}
