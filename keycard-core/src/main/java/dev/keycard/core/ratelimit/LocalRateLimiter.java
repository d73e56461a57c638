package dev.keycard.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.token.AccessToken;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Per-token rate limits in this process: one Bucket4j bucket per session (or client), refilled all at
 * once at the end of each window. Buckets live in a size-bounded Caffeine cache, so memory stays
 * bounded however many sessions call, and {@link #prune} drops those that are full again (an idle
 * bucket whose window has passed is the same as none).
 *
 * <p>The decision is one cache lookup and one bucket operation under the bucket's own monitor, and
 * reads the clock once (Bucket4j's) unless it refuses: on this project's VMs a clock read costs
 * about 30 ns, a tenth of the decision's budget, and a cache with expiry reads it on every lookup too
 * (which is why expiry is {@link #prune}'s job, not the cache's; see {@code RateLimitBenchmark}).
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

  /** One budget; its {@code RateLimit-Policy} field is written once, not per request. */
  private record Entry(RatePartition partition, RatePolicy policy, Bucket bucket, String policyField) {
    Entry(RatePartition partition, RatePolicy policy, Bucket bucket) {
      this(partition, policy, bucket, RateDecision.policyField(partition, policy));
    }

    boolean full() {
      return bucket.getAvailableTokens() >= policy.quota();
    }
  }

  public LocalRateLimiter(RatePolicies policies, InstantSource clock) {
    this(policies, clock, DEFAULT_MAX_BUCKETS);
  }

  public LocalRateLimiter(RatePolicies policies, InstantSource clock, int maxBuckets) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = clock;
    this.time = timeMeter(clock);
    this.sessions = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxBuckets).build();
    this.clients = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxBuckets).build();
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
    // When it was decided matters only to a refusal (its audit event): no second clock read otherwise.
    return probe.isConsumed()
        ? RateDecision.of(true, e.partition(), e.policy(), e.policyField(), probe.getRemainingTokens(),
            probe.getNanosToWaitForReset(), 0)
        : RateDecision.of(false, e.partition(), e.policy(), e.policyField(), probe.getRemainingTokens(),
            probe.getNanosToWaitForRefill(), clock.millis());
  }

  /**
   * Forgets the buckets that are full again: a bucket idle since its window passed is the same as a
   * new one. Called now and then (the server's maintenance), never on the request path: it reads
   * every bucket.
   */
  @Override
  public void prune() {
    sessions.asMap().values().removeIf(Entry::full);
    clients.asMap().values().removeIf(Entry::full);
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
