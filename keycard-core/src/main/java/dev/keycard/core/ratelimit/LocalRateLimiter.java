package dev.keycard.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.token.AccessToken;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
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
  /** Keyed by the raw session id, and by client id apart: no key is built per request. */
  private final Cache<String, Entry> sessions;
  private final Cache<String, Entry> clients;

  private record Entry(RatePartition partition, RatePolicy policy, Bucket bucket) {}

  public LocalRateLimiter(RatePolicies policies, InstantSource clock) {
    this(policies, clock, DEFAULT_MAX_BUCKETS);
  }

  public LocalRateLimiter(RatePolicies policies, InstantSource clock, int maxBuckets) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = clock;
    this.time = timeMeter(clock);
    this.sessions = cache(policies, maxBuckets, time);
    this.clients = cache(policies, maxBuckets, time);
  }

  private static Cache<String, Entry> cache(RatePolicies policies, int maxBuckets, TimeMeter time) {
    return Caffeine.newBuilder()
        .maximumSize(maxBuckets)
        .expireAfterAccess(longestWindow(policies))
        .ticker(time::currentTimeNanos)
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
    if (policy == null) {
      return RateDecision.UNLIMITED;
    }
    String sid = token.sessionId();
    Cache<String, Entry> cache = sid != null ? sessions : clients;
    String id = sid != null ? sid : token.clientId();
    Entry e = cache.getIfPresent(id);
    if (e == null || (e.policy() != policy && !e.policy().equals(policy))) { // new, or another policy now
      e = cache.asMap().compute(id, (k, old) -> old != null && old.policy().equals(policy) ? old
          : newEntry(RatePartition.of(token), policy));
    }
    return decide(e);
  }

  /** Spends one request of {@code partition}'s budget under {@code policy}. */
  public RateDecision decide(RatePartition partition, RatePolicy policy) {
    Entry e = sessions.asMap().compute(partition.key(), (k, old) -> old != null && old.policy().equals(policy) ? old
        : newEntry(partition, policy));
    return decide(e);
  }

  private RateDecision decide(Entry e) {
    ConsumptionProbe probe = e.bucket().tryConsumeAndReturnRemaining(1);
    return RateDecision.of(probe.isConsumed(), e.partition(), e.policy(), probe.getRemainingTokens(),
        probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill(), clock.millis());
  }

  private Entry newEntry(RatePartition partition, RatePolicy policy) {
    // Synchronized rather than lock-free: no copy of the bucket's state per request, and contention on
    // one session's bucket is rare (see RateLimitBenchmark).
    return new Entry(partition, policy, Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(policy.quota()).refillIntervally(policy.quota(), policy.window()).build())
        .withCustomTimePrecision(time)
        .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
        .build());
  }

  /** Buckets kept now (approximate; for tests of the bound). */
  long size() {
    sessions.cleanUp();
    clients.cleanUp();
    return sessions.estimatedSize() + clients.estimatedSize();
  }

  /** Forgets every bucket (the shared limiter's fallback starts afresh at each outage). */
  void clear() {
    sessions.invalidateAll();
    clients.invalidateAll();
  }
}
