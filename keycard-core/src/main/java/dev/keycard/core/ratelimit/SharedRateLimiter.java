package dev.keycard.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.token.AccessToken;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Per-token rate limits shared by every instance through {@link SharedBudgets} (Redis), without a
 * round trip on the hot path: each instance keeps a view of each budget (what the store last said
 * was left, minus what this instance has allowed since) and decides from it at once, sending what it
 * allowed to the store in the background, batched (at most one batch per budget in flight, and at
 * most one per {@code reportEvery} until the budget nears its margin; requests arriving meanwhile go
 * in the next). Only the last {@link #margin} requests of a window are
 * decided by the store itself (one round trip each), so the 1,001st request of a 1,000/h policy is
 * refused on whichever instance it reaches.
 *
 * <p>Largest overshoot: a request is allowed from a stale view only while the view says more than
 * the margin is left; the view lags the other instances by what they allowed and have not yet
 * reported, about one store round trip of their traffic for that session. So the budget is exceeded
 * only when, across the other instances, one session sends more than the margin within about one
 * round trip (plus one in-flight batch) as its budget runs out.
 *
 * <p>When the store fails or does not answer within {@link #STORE_TIMEOUT}, decisions fall back to
 * local buckets ({@link LocalRateLimiter}, fresh for each outage: each instance then allows the
 * whole quota by itself), the listener hears {@code true} once, and a probe every
 * {@link #PROBE_EVERY} brings the shared budgets back, telling the listener {@code false}.
 */
public final class SharedRateLimiter implements RateLimiter {
  /**
   * A store slower than this counts as down. Generous: on a loaded machine 250 ms was reached by a
   * healthy Redis, and each instance then allowed a whole quota of its own (bench/ratelimit-load.sh).
   */
  public static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
  /**
   * What {@code keycard serve} uses between two reports of one budget from one instance: under a
   * flood from one token, a report per Redis round trip cost a third of the throughput of
   * {@code /api/v1/me} on two cores (Bucket4j's compare-and-swap is two commands); one per 10 ms at
   * most costs little and widens the lag by at most 10 ms of that token's traffic.
   */
  public static final Duration DEFAULT_REPORT_EVERY = Duration.ofMillis(10);
  /** While falling back, how often to ask whether the store is back. */
  public static final Duration PROBE_EVERY = Duration.ofSeconds(1);
  private static final int MAX_VIEWS = 200_000;

  private final RatePolicies policies;
  private final SharedBudgets budgets;
  private final InstantSource clock;
  private final LocalRateLimiter fallback;
  private final Consumer<Boolean> fallbackListener;
  private final Cache<String, View> views;
  private final AtomicBoolean fallingBack = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long lastProbeNanos;
  private final long reportEveryNanos;
  private final java.util.concurrent.Executor delayedFlush;

  /** What this instance knows of one budget; guarded by its own monitor (held for a few field updates). */
  private static final class View {
    final RatePolicy policy;
    /** What the store said was left (after the tokens it was sent), or the quota before it said anything. */
    long confirmed;
    /** When the store's window ends (this instance's clock, nanoseconds). */
    long resetAt;
    /** Whether {@link #confirmed} and {@link #resetAt} come from the store. */
    boolean known;
    /** Allowed here and not yet sent. */
    long unsynced;
    /** Sent (a batch or single decisions), not yet answered. */
    long inFlight;
    boolean syncing;
    /** When the last batch was sent (System.nanoTime), and whether a later one is scheduled. */
    long lastSent;
    boolean flushScheduled;

    View(RatePolicy policy, long now) {
      this.policy = policy;
      this.confirmed = policy.quota();
      this.resetAt = now + policy.window().toNanos();
      this.lastSent = System.nanoTime() - Duration.ofDays(1).toNanos(); // never: the first report goes at once
    }

    long estimate() {
      return confirmed - unsynced - inFlight;
    }
  }

  /**
   * @param fallbackListener told {@code true} when decisions fall back to local buckets, {@code false}
   *                         when they are shared again; called on whichever thread noticed
   */
  public SharedRateLimiter(RatePolicies policies, SharedBudgets budgets, InstantSource clock,
      Consumer<Boolean> fallbackListener) {
    this(policies, budgets, clock, fallbackListener, DEFAULT_REPORT_EVERY);
  }

  /**
   * @param reportEvery the least time between two reports of one budget from this instance (a pace
   *                    for the store's sake, kept on the JVM's monotonic clock); zero reports each
   *                    batch as soon as the previous one is answered
   */
  public SharedRateLimiter(RatePolicies policies, SharedBudgets budgets, InstantSource clock,
      Consumer<Boolean> fallbackListener, Duration reportEvery) {
    this.reportEveryNanos = reportEvery.toNanos();
    this.delayedFlush = CompletableFuture.delayedExecutor(Math.max(1, reportEvery.toMillis()), TimeUnit.MILLISECONDS);
    this.policies = Objects.requireNonNull(policies, "policies");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fallbackListener = Objects.requireNonNull(fallbackListener, "fallbackListener");
    this.fallback = new LocalRateLimiter(policies, clock);
    this.views = Caffeine.newBuilder().maximumSize(MAX_VIEWS)
        .expireAfterAccess(LocalRateLimiter.longestWindow(policies)).build();
  }

  /**
   * How many requests at the end of a window are decided by the store, one round trip each: a
   * twentieth of the quota, at least 10 (all of a quota of 10 or less).
   */
  static long margin(RatePolicy policy) {
    return Math.min(policy.quota(), Math.max(10, policy.quota() / 20));
  }

  @Override
  public boolean fallingBack() {
    return fallingBack.get();
  }

  @Override
  public RateOutcome decide(AccessToken token) {
    RatePolicy policy = policies.resolve(token);
    if (policy == null) {
      return RateDecision.UNLIMITED;
    }
    RatePartition partition = RatePartition.of(token);
    if (fallingBack.get()) {
      probe();
      return fallback.decide(partition, policy);
    }
    long now = nanos();
    View v = views.get(partition.key(), k -> new View(policy, now));
    if (!v.policy.equals(policy)) {
      v = new View(policy, now);
      views.put(partition.key(), v);
    }
    long batch = 0;
    boolean schedule = false;
    RateDecision local = null;
    synchronized (v) {
      if (now >= v.resetAt) { // the store's window has ended: a new quota, until it says otherwise
        v.confirmed = policy.quota();
        v.resetAt = now + policy.window().toNanos();
        v.known = false;
      }
      long estimate = v.estimate();
      if (v.known && estimate <= 0) {
        local = RateDecision.of(false, partition, policy, 0, v.resetAt - now, now / 1_000_000L);
      } else if (estimate > margin(policy)) {
        v.unsynced++;
        local = RateDecision.of(true, partition, policy, estimate - 1, v.resetAt - now, now / 1_000_000L);
        if (!v.syncing) {
          // Near the margin, at once: the other instances' views must catch up before it is reached.
          if (System.nanoTime() - v.lastSent >= reportEveryNanos || estimate <= 2 * margin(policy)) {
            batch = startBatch(v);
          } else if (!v.flushScheduled) {
            v.flushScheduled = true;
            schedule = true;
          }
        }
      } else {
        v.inFlight++;
      }
    }
    if (batch > 0) {
      send(partition.key(), v, batch);
    } else if (schedule) {
      scheduleFlush(partition.key(), v);
    }
    if (local != null) {
      return local;
    }
    return new RateOutcome.Later(exact(partition, policy, v));
  }

  private void scheduleFlush(String key, View v) {
    delayedFlush.execute(() -> {
      long n = 0;
      synchronized (v) {
        v.flushScheduled = false;
        if (!v.syncing && v.unsynced > 0) {
          n = startBatch(v);
        }
      }
      if (n > 0) {
        send(key, v, n);
      }
    });
  }

  private static long startBatch(View v) {
    long n = v.unsynced;
    v.lastSent = System.nanoTime();
    v.syncing = true;
    v.unsynced = 0;
    v.inFlight += n;
    return n;
  }

  /** Sends what this instance allowed; the answer refreshes the view. */
  private void send(String key, View v, long n) {
    CompletableFuture<SharedBudgets.Budget> sent;
    try {
      sent = budgets.consume(key, v.policy, n).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((b, failure) -> {
      long next = 0;
      boolean later = false;
      synchronized (v) {
        v.inFlight -= n;
        v.syncing = false;
        if (failure == null) {
          update(v, b);
          if (v.unsynced > 0 && System.nanoTime() - v.lastSent >= reportEveryNanos) {
            next = startBatch(v);
          } else if (v.unsynced > 0 && !v.flushScheduled) {
            v.flushScheduled = true;
            later = true;
          }
        }
      }
      if (failure != null) {
        fallBack();
      } else if (next > 0) {
        send(key, v, next);
      } else if (later) {
        scheduleFlush(key, v);
      }
    });
  }

  private void update(View v, SharedBudgets.Budget b) {
    v.confirmed = b.remaining();
    v.resetAt = nanos() + b.nanosToReset();
    v.known = true;
  }

  /** One request decided by the store; from local buckets if the store fails. Never completes exceptionally. */
  private CompletableFuture<RateDecision> exact(RatePartition partition, RatePolicy policy, View v) {
    CompletableFuture<SharedBudgets.Budget> asked;
    try {
      asked = budgets.tryConsume(partition.key(), policy).toCompletableFuture();
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    return asked.orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((b, failure) -> {
      long remaining = 0;
      synchronized (v) {
        v.inFlight--;
        if (failure == null) {
          update(v, b);
          remaining = v.estimate();
        }
      }
      if (failure != null) {
        fallBack();
        return fallback.decide(partition, policy);
      }
      return RateDecision.of(b.consumed(), partition, policy, remaining, b.nanosToReset(), clock.millis());
    });
  }

  private void fallBack() {
    if (fallingBack.compareAndSet(false, true)) {
      fallback.clear();
      lastProbeNanos = nanos();
      fallbackListener.accept(true);
    }
  }

  private void probe() {
    long now = nanos();
    if (now - lastProbeNanos < PROBE_EVERY.toNanos() || !probing.compareAndSet(false, true)) {
      return;
    }
    lastProbeNanos = now;
    CompletableFuture<Void> ping;
    try {
      ping = budgets.ping().toCompletableFuture();
    } catch (RuntimeException e) {
      ping = CompletableFuture.failedFuture(e);
    }
    ping.orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
      probing.set(false);
      // Views from before the outage are stale: start again from what the store says.
      if (failure == null && fallingBack.compareAndSet(true, false)) {
        views.invalidateAll();
        fallbackListener.accept(false);
      }
    });
  }

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
