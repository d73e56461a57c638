package dev.keycard.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.SystemTools;
import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.throttle.AttemptCounters.Attempts;
import dev.keycard.core.throttle.AttemptCountersContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counters contract on a real Redis, plus what only a shared backend has: two instances, and outages. */
class RedisAttemptCountersTest extends AttemptCountersContract {
  @TempDir
  Path dir;
  RealRedis redis;

  @BeforeEach
  void startRedis() {
    SystemTools.require("redis-server");
    redis = RealRedis.start(dir);
  }

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  protected AttemptCounters create() {
    return connected(open());
  }

  /** Redis keeps time itself: windows pass for real (the contract uses windows of seconds). */
  @Override
  protected void passes(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private RedisAttemptCounters open() {
    return RedisAttemptCounters.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(100),
        InstantSource.system(), 1_000);
  }

  private static RedisAttemptCounters connected(RedisAttemptCounters counters) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      counters.peek("probe").toCompletableFuture().join();
      if (counters.shared()) {
        return counters;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("never connected to Redis");
  }

  @Test
  void twoInstancesWhenCountingOneKeyThenShareOneLimit() {
    try (RedisAttemptCounters a = connected(open()); RedisAttemptCounters b = connected(open())) {
      for (int i = 0; i < 5; i++) {
        (i % 2 == 0 ? a : b).hit("login:acct:x", 5, Duration.ofMinutes(15)).toCompletableFuture().join();
      }
      Attempts refused = b.hit("login:acct:x", 5, Duration.ofMinutes(15)).toCompletableFuture().join();
      assertThat(refused.refused()).isTrue();
      assertThat(a.peek("login:acct:x").toCompletableFuture().join().count()).isEqualTo(5);
    }
  }

  @Test
  void redisWhenKilledThenCountsLocallyWithoutFailingAndSharesAgainWhenBack() {
    try (RedisAttemptCounters counters = connected(open())) {
      redis.kill();
      for (int i = 0; i < 3; i++) {
        assertThat(counters.hit("login:acct:y", 3, Duration.ofMinutes(15)).toCompletableFuture().join().refused())
            .isFalse();
      }
      assertThat(counters.hit("login:acct:y", 3, Duration.ofMinutes(15)).toCompletableFuture().join().refused())
          .as("throttled locally while Redis is down").isTrue();
      assertThat(counters.shared()).isFalse();
      redis.start();
      connected(counters);
      assertThat(counters.peek("login:acct:y").toCompletableFuture().join().count()).isZero();
    }
  }
}
