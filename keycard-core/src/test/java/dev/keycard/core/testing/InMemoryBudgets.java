package dev.keycard.core.testing;

import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.ratelimit.SharedBudgets;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared budgets in memory, the stand-in for Redis in core tests: answers at once, or fails every
 * call while {@link #down} (an unreachable store). Counts the calls, to show which decisions needed one.
 */
public final class InMemoryBudgets implements SharedBudgets {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final TimeMeter time;
  public final AtomicInteger calls = new AtomicInteger();
  public volatile boolean down;

  public InMemoryBudgets(InstantSource clock) {
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  private Bucket bucket(String key, RatePolicy policy) {
    return buckets.computeIfAbsent(policy.format() + ":" + key, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(policy.quota()).refillIntervally(policy.quota(), policy.window()).build())
        .withCustomTimePrecision(time).build());
  }

  private <T> CompletionStage<T> unless(java.util.function.Supplier<T> answer) {
    calls.incrementAndGet();
    return down ? CompletableFuture.failedFuture(new IllegalStateException("store down"))
        : CompletableFuture.completedFuture(answer.get());
  }

  @Override
  public CompletionStage<Budget> consume(String key, RatePolicy policy, long tokens) {
    return unless(() -> {
      Bucket b = bucket(key, policy);
      long taken = b.tryConsumeAsMuchAsPossible(tokens);
      long remaining = b.getAvailableTokens();
      return new Budget(taken > 0, remaining, nanosToReset(b, policy));
    });
  }

  private long nanosToReset(Bucket b, RatePolicy policy) {
    // The refill comes at the end of the window; a probe of the whole quota says when.
    return b.estimateAbilityToConsume(policy.quota()).getNanosToWaitForRefill();
  }

  @Override
  public CompletionStage<Budget> tryConsume(String key, RatePolicy policy) {
    return unless(() -> {
      ConsumptionProbe p = bucket(key, policy).tryConsumeAndReturnRemaining(1);
      return new Budget(p.isConsumed(), p.getRemainingTokens(),
          p.isConsumed() ? p.getNanosToWaitForReset() : p.getNanosToWaitForRefill());
    });
  }

  @Override
  public CompletionStage<Void> ping() {
    return unless(() -> null);
  }

  @Override
  public void close() {}
}
