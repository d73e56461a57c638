package dev.keycard.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.token.AccessToken;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Per-token rate limits in this process: one Bucket4j bucket per session (or client), refilled all at
 * once at the end of each window. Buckets live in a bounded Caffeine cache and are dropped once idle
 * for a whole window, when they would be full again anyway; memory stays bounded however many
 * sessions call. Lock-free; the decision is one cache lookup and one compare-and-swap (see
 * {@code RateLimitBenchmark} for its cost).
 */
public final class LocalRateLimiter implements RateLimiter {
  /** Buckets kept at most: about 200 bytes each. */
  public static final int DEFAULT_MAX_BUCKETS = 200_000;

  private final RatePolicies policies;
  private final InstantSource clock;
  private final TimeMeter time;
  private final Cache<String, Entry> buckets;

  private record Entry(RatePolicy policy, Bucket bucket) {}

  public LocalRateLimiter(RatePolicies policies, InstantSource clock) {
    this(policies, clock, DEFAULT_MAX_BUCKETS);
  }

  public LocalRateLimiter(RatePolicies policies, InstantSource clock, int maxBuckets) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = clock;
    this.time = timeMeter(clock);
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxBuckets)
        .expireAfterAccess(longestWindow(policies))
        .ticker(() -> time.currentTimeNanos())
        .build();
  }

  /** Bucket4j's clock from the injected one; milliseconds are precise enough for windows of a second or more. */
  static TimeMeter timeMeter(InstantSource clock) {
    return new TimeMeter() {
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

  static Duration longestWindow(RatePolicies policies) {
    Duration longest = policies.global() == null ? Duration.ofSeconds(1) : policies.global().window();
    for (RatePolicies.Override o : policies.overrides()) {
      if (o.policy() != null && o.policy().window().compareTo(longest) > 0) {
        longest = o.policy().window();
      }
    }
    return longest;
  }

  @Override
  public RateDecision decide(AccessToken token) {
    RatePolicy policy = policies.resolve(token);
    return policy == null ? RateDecision.UNLIMITED : decide(RatePartition.of(token), policy);
  }

  /** Spends one request of {@code partition}'s budget under {@code policy}. */
  public RateDecision decide(RatePartition partition, RatePolicy policy) {
    Entry e = buckets.get(partition.key(), k -> newEntry(policy));
    if (e.policy() != policy && !e.policy().equals(policy)) { // the configuration names another policy now
      e = newEntry(policy);
      buckets.put(partition.key(), e);
    }
    ConsumptionProbe probe = e.bucket().tryConsumeAndReturnRemaining(1);
    return RateDecision.of(probe.isConsumed(), partition, policy, probe.getRemainingTokens(),
        probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill(), clock.millis());
  }

  private Entry newEntry(RatePolicy policy) {
    return new Entry(policy, Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(policy.quota()).refillIntervally(policy.quota(), policy.window()).build())
        .withCustomTimePrecision(time)
        .build());
  }

  /** Buckets kept now (approximate; for tests of the bound). */
  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  /** Forgets every bucket (the shared limiter's fallback starts afresh at each outage). */
  void clear() {
    buckets.invalidateAll();
  }
}
