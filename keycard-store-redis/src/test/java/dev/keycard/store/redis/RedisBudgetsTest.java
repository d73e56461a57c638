package dev.keycard.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.ratelimit.SharedBudgetsContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared budgets contract on a real, private Redis; and what a killed Redis does to the calls. */
class RedisBudgetsTest extends SharedBudgetsContract {
  @TempDir
  Path dir;
  private RealRedis redis;
  private RedisBudgets budgets;

  @BeforeEach
  void start() throws InterruptedException {
    redis = RealRedis.start(dir);
    budgets = RedisBudgets.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(100));
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answers(budgets) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
  }

  private static boolean answers(SharedBudgets budgets) {
    try {
      budgets.ping().toCompletableFuture().join();
      return true;
    } catch (CompletionException e) {
      return false;
    }
  }

  @AfterEach
  void stop() {
    budgets.close();
    redis.close();
  }

  @Override
  protected SharedBudgets budgets() {
    return budgets;
  }

  @Test
  void callsFailAtOnceWhileRedisIsDownAndSucceedOnceItIsBack() throws InterruptedException {
    redis.kill();
    long start = System.nanoTime();
    Assertions.assertThatThrownBy(() -> budgets.tryConsume("s:x", TEN_PER_HOUR).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused, not queued").isLessThan(Duration.ofSeconds(3));
    redis.start();
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!answers(budgets)) {
      assertThat(System.nanoTime()).as("Redis answers again").isLessThan(until);
      Thread.sleep(20);
    }
    assertThat(budgets.tryConsume("s:x", TEN_PER_HOUR).toCompletableFuture().join().consumed()).isTrue();
  }
}
