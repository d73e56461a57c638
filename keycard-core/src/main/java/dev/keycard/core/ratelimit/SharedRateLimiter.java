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
 * allowed to the store in the background, batched (at most one batch per budget in flight; requests
 * arriving meanwhile go in the next). Only the last {@link #margin} requests of a window are
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
  /** A store slower than this counts as down for the request waiting on it. */
  public static final Duration STORE_TIMEOUT = Duration.ofMillis(250);
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

    View(RatePolicy policy, long now) {
      this.policy = policy;
      this.confirmed = policy.quota();
      this.resetAt = now + policy.window().toNanos();
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
          batch = startBatch(v);
        }
      } else {
        v.inFlight++;
      }
    }
    if (batch > 0) {
      send(partition.key(), v, batch);
    }
    if (local != null) {
      return local;
    }
    return new RateOutcome.Later(exact(partition, policy, v));
  }

  private static long startBatch(View v) {
    long n = v.unsynced;
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
      synchronized (v) {
        v.inFlight -= n;
        v.syncing = false;
        if (failure == null) {
          update(v, b);
          if (v.unsynced > 0) {
            next = startBatch(v);
          }
        }
      }
      if (failure != null) {
        fallBack();
      } else if (next > 0) {
        send(key, v, next);
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
