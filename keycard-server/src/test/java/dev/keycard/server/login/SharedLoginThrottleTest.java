package dev.keycard.server.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.SharedState;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisAttemptCounters;
import dev.keycard.store.redis.RedisEndpoint;
import io.vertx.core.json.JsonObject;
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
 * Two instances on one database and one real Redis count the same failed logins: an attacker who
 * spreads guesses over instances gets no more than against one. Redis killed: each instance throttles
 * on its own, and no login gets a 5xx.
 */
class SharedLoginThrottleTest {
  @TempDir
  Path dataDir;
  @TempDir
  Path redisDir;
  RealRedis redis;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void redis() {
    SystemTools.require("redis-server");
    redis = RealRedis.start(redisDir);
    open.add(redis);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  /** An instance whose failed-login counters live in the shared Redis; waits until they reach it. */
  private TestKeycard start() throws InterruptedException {
    ServerConfig config = LoginThrottlingTest.throttled(TestKeycard.config(dataDir));
    List<RedisAttemptCounters> made = new ArrayList<>();
    TestKeycard k = TestKeycard.startSharing(config, InstantSource.system(), c -> {
      RedisAttemptCounters counters = RedisAttemptCounters.open(new RedisEndpoint(redis.url(), null),
          Duration.ofMillis(100), InstantSource.system(), 1_000);
      made.add(counters);
      return SharedState.inProcess().withAttempts(counters);
    });
    open.add(k);
    // The counters connect in the background; until then they count in the process.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      made.get(0).peek("probe").toCompletableFuture().join();
      if (made.get(0).shared()) {
        return k;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the instance never reached Redis");
  }

  private static Answer login(TestKeycard at, String password, String from) {
    return at.http().postJson("/auth/login", new JsonObject().put("username", "alice").put("password", password),
        "X-Forwarded-For", from);
  }

  @Test
  void guessesSpreadOverTwoInstancesShareOneLimit() throws InterruptedException {
    TestKeycard a = start();
    TestKeycard b = start();
    a.addUser("alice", "alice's password", "profile");
    for (int i = 0; i < LoginThrottlingTest.POLICY.accountFailures(); i++) {
      assertThat(login(i % 2 == 0 ? a : b, "guess-" + i, "203.0.113." + i).status()).isEqualTo(401);
    }
    assertThat(login(a, "another", "203.0.113.100").status()).isEqualTo(429);
    assertThat(login(b, "another", "203.0.113.101").status()).isEqualTo(429);
  }

  @Test
  void redisKilledThenEachInstanceThrottlesOnItsOwnWithoutA5xx() throws InterruptedException {
    TestKeycard a = start();
    a.addUser("alice", "alice's password", "profile");
    redis.kill();
    for (int i = 0; i < LoginThrottlingTest.POLICY.accountFailures(); i++) {
      assertThat(login(a, "guess-" + i, "203.0.113." + i).status()).isEqualTo(401);
    }
    assertThat(login(a, "another", "203.0.113.100").status()).isEqualTo(429);
    assertThat(login(a, "alice's password", "192.0.2.1").status()).isEqualTo(429);
  }
}
