package dev.keycard.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.throttle.AttemptCounters.Attempts;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AttemptCounters} backend must do; extended once per backend (in process, Redis).
 * Backends whose windows run on their own clock (Redis) override {@link #passes(Duration)}.
 */
public abstract class AttemptCountersContract {
  protected final MutableClock clock = MutableClock.atFixedStart();
  private AttemptCounters counters;

  /** A fresh, empty backend on {@link #clock}. */
  protected abstract AttemptCounters create();

  /** Lets {@code d} pass for the backend's windows. */
  protected void passes(Duration d) {
    clock.advance(d);
  }

  protected AttemptCounters counters() {
    if (counters == null) {
      counters = create();
    }
    return counters;
  }

  @AfterEach
  void closeCounters() {
    if (counters != null) {
      counters.close();
    }
  }

  private static String key() {
    return "test:" + UUID.randomUUID();
  }

  private Attempts hit(String key, long limit, Duration window) {
    return counters().hit(key, limit, window).toCompletableFuture().join();
  }

  private Attempts peek(String key) {
    return counters().peek(key).toCompletableFuture().join();
  }

  @Test
  void hitWhenUnderLimitThenCountsUpAndReportsTheWindow() {
    String k = key();
    assertThat(hit(k, 3, Duration.ofMinutes(15)).count()).isEqualTo(1);
    Attempts second = hit(k, 3, Duration.ofMinutes(15));
    assertThat(second.count()).isEqualTo(2);
    assertThat(second.refused()).isFalse();
    assertThat(second.resetsIn()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15));
    assertThat(peek(k).count()).isEqualTo(2);
  }

  @Test
  void hitWhenAtLimitThenRefusesWithoutCounting() {
    String k = key();
    for (int i = 0; i < 3; i++) {
      hit(k, 3, Duration.ofMinutes(15));
    }
    Attempts refused = hit(k, 3, Duration.ofMinutes(15));
    assertThat(refused.refused()).isTrue();
    assertThat(refused.count()).isEqualTo(3);
    assertThat(refused.resetsIn()).isPositive();
    assertThat(peek(k).count()).isEqualTo(3);
  }

  @Test
  void peekWhenUnknownThenZero() {
    assertThat(peek(key()).count()).isZero();
  }

  @Test
  void releaseTakesOneBackAndResetForgets() {
    String k = key();
    hit(k, 10, Duration.ofMinutes(15));
    hit(k, 10, Duration.ofMinutes(15));
    counters().release(k).toCompletableFuture().join();
    assertThat(peek(k).count()).isEqualTo(1);
    counters().reset(k).toCompletableFuture().join();
    assertThat(peek(k).count()).isZero();
    counters().release(k).toCompletableFuture().join();
    assertThat(peek(k).count()).isZero();
  }

  @Test
  void windowWhenOverThenForgotten() {
    String k = key();
    hit(k, 1, Duration.ofSeconds(2));
    assertThat(hit(k, 1, Duration.ofSeconds(2)).refused()).isTrue();
    passes(Duration.ofSeconds(3));
    assertThat(peek(k).count()).isZero();
    assertThat(hit(k, 1, Duration.ofSeconds(2)).refused()).isFalse();
  }
}
