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
 * allowed to the store in the background, batched: at most one batch per budget in flight, and,
 * until the budget is within twice its margin, at most one per {@code reportEvery} and only once it
 * carries a {@link #REPORT_SHARE}th of what is left or {@link #REPORT_AT_LEAST_EVERY} has passed;
 * requests arriving meanwhile go in the next. Only the last {@link #margin} requests of a window are
 * decided by the store itself (one round trip each), so the 1,001st request of a 1,000/h policy is
 * refused on whichever instance it reaches.
 *
 * <p>Largest overshoot: a request is allowed from a stale view only while the view says more than
 * the margin is left; the view lags the other instances by what they allowed and have not yet
 * reported. Within twice the margin that is at most one pace and one store round trip of their
 * traffic for that session (plus one in-flight batch); farther out, less than a {@link #REPORT_SHARE}th
 * of what their own views say is left, each view being refreshed by each of its reports. So the
 * budget is exceeded only when, across the other instances, one session sends more than the margin
 * within about one pace and round trip as its budget runs out.
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
  /**
   * Far from its margin, a view reports once what it has not reported reaches this share of what it
   * says is left (1/100), or {@link #REPORT_AT_LEAST_EVERY} has passed: a budget of a million costs
   * the store a report per 10,000 requests, while one within twice its margin reports at every pace.
   */
  static final long REPORT_SHARE = 100;
  /** The longest a request allowed here goes unreported (with a non-zero pace). */
  public static final Duration REPORT_AT_LEAST_EVERY = Duration.ofSeconds(1);
  /** While falling back, how often to ask whether the store is back. */
  public static final Duration PROBE_EVERY = Duration.ofSeconds(1);
  private static final int MAX_VIEWS = 200_000;

  private final RatePolicies policies;
  private final SharedBudgets budgets;
  private final InstantSource clock;
  private final LocalRateLimiter fallback;
  private final Consumer<Boolean> fallbackListener;
  /** Keyed by the raw session id, and by client id apart: no key is built per request. */
  private final Cache<String, View> sessions;
  private final Cache<String, View> clients;
  private final AtomicBoolean fallingBack = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long lastProbeNanos;
  private final long reportEveryNanos;
  private final java.util.concurrent.Executor delayedFlush;
  private final java.util.concurrent.Executor slowFlush =
      CompletableFuture.delayedExecutor(REPORT_AT_LEAST_EVERY.toMillis(), TimeUnit.MILLISECONDS);

  /** What this instance knows of one budget; guarded by its own monitor (held for a few field updates). */
  private static final class View {
    final RatePartition partition;
    final RatePolicy policy;
    final String policyField;
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
    /** When the last batch was sent (the limiter's clock, nanoseconds), and whether a later one is scheduled. */
    long lastSent;
    boolean flushScheduled;
    boolean slowFlushScheduled;

    View(RatePartition partition, RatePolicy policy, long now) {
      this.partition = partition;
      this.policy = policy;
      this.policyField = RateDecision.policyField(partition, policy);
      this.confirmed = policy.quota();
      this.resetAt = now + policy.window().toNanos();
      this.lastSent = now - Duration.ofDays(1).toNanos(); // never: the first report goes at once
    }

    /** Whether this view knows nothing a new one would not: its window has passed and nothing is owed. */
    synchronized boolean spent(long now) {
      return now >= resetAt && unsynced == 0 && inFlight == 0 && !syncing;
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
   *                    for the store's sake, kept on {@code clock}, read once per decision; a clock set back
   *                    only delays a report until the flush scheduled one pace later); zero reports
   *                    each batch as soon as the previous one is answered
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
    // Size-bounded only: a cache with expiry reads the clock on every lookup (see LocalRateLimiter); prune() expires.
    this.sessions = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_VIEWS).build();
    this.clients = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_VIEWS).build();
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
    if (fallingBack.get()) {
      probe();
      return fallback.decide(token);
    }
    // One clock read per decision: the pace, the window and the decision's time all use it.
    long now = nanos();
    String sid = token.sessionId();
    Cache<String, View> views = sid != null ? sessions : clients;
    String id = sid != null ? sid : token.clientId();
    View v = views.getIfPresent(id);
    if (v == null || (v.policy != policy && !v.policy.equals(policy))) { // new, or another policy now
      View fresh = new View(RatePartition.of(token), policy, now);
      v = views.asMap().compute(id, (k, old) -> old != null && old.policy.equals(policy) ? old : fresh);
    }
    RatePartition partition = v.partition;
    long batch = 0;
    Report report = Report.NONE;
    RateDecision local = null;
    synchronized (v) {
      if (now >= v.resetAt) { // the store's window has ended: a new quota, until it says otherwise
        v.confirmed = policy.quota();
        v.resetAt = now + policy.window().toNanos();
        v.known = false;
      }
      long estimate = v.estimate();
      if (v.known && estimate <= 0) {
        local = RateDecision.of(false, partition, policy, v.policyField, 0, v.resetAt - now, now / 1_000_000L);
      } else if (estimate > margin(policy)) {
        v.unsynced++;
        local = RateDecision.of(true, partition, policy, v.policyField, estimate - 1, v.resetAt - now, now / 1_000_000L);
        report = report(v, now);
        batch = report == Report.NOW ? startBatch(v, now) : 0;
      } else {
        v.inFlight++;
      }
    }
    if (batch > 0) {
      send(v, batch);
    } else {
      scheduleFlush(v, report);
    }
    if (local != null) {
      return local;
    }
    return new RateOutcome.Later(exact(partition, policy, v));
  }

  /** What to do with what a view has not reported yet. */
  private enum Report { NONE, NOW, SOON, LATER }

  /**
   * Under {@code v}'s monitor: whether to report now, in a pace ({@link Report#SOON}) or within
   * {@link #REPORT_AT_LEAST_EVERY} ({@link Report#LATER}), and marks the flush it asks for as scheduled.
   * Near the margin a report goes at once: the other instances' views must catch up before it is
   * reached. Far from it, a report waits until it carries a {@link #REPORT_SHARE}th of what the view
   * says is left, so a budget that is nowhere near its end costs the store one report a second.
   */
  private Report report(View v, long now) {
    if (v.syncing || v.unsynced == 0) {
      return Report.NONE;
    }
    long estimate = v.estimate();
    long since = now - v.lastSent;
    if (estimate <= 2 * margin(v.policy) || reportEveryNanos == 0) {
      return Report.NOW;
    }
    if (v.unsynced * REPORT_SHARE >= estimate || since >= REPORT_AT_LEAST_EVERY.toNanos()) {
      if (since >= reportEveryNanos) {
        return Report.NOW;
      }
      if (v.flushScheduled) {
        return Report.NONE;
      }
      v.flushScheduled = true;
      return Report.SOON;
    }
    if (v.slowFlushScheduled) {
      return Report.NONE;
    }
    v.slowFlushScheduled = true;
    return Report.LATER;
  }

  private void scheduleFlush(View v, Report report) {
    if (report != Report.SOON && report != Report.LATER) {
      return;
    }
    (report == Report.SOON ? delayedFlush : slowFlush).execute(() -> {
      long n = 0;
      synchronized (v) {
        if (report == Report.SOON) {
          v.flushScheduled = false;
        } else {
          v.slowFlushScheduled = false;
        }
        if (!v.syncing && v.unsynced > 0) {
          n = startBatch(v, nanos());
        }
      }
      if (n > 0) {
        send(v, n);
      }
    });
  }

  private static long startBatch(View v, long now) {
    long n = v.unsynced;
    v.lastSent = now;
    v.syncing = true;
    v.unsynced = 0;
    v.inFlight += n;
    return n;
  }

  /** Sends what this instance allowed; the answer refreshes the view. */
  private void send(View v, long n) {
    CompletableFuture<SharedBudgets.Budget> sent;
    try {
      sent = budgets.consume(v.partition.key(), v.policy, n).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((b, failure) -> {
      long next = 0;
      Report report = Report.NONE;
      long now = nanos();
      synchronized (v) {
        v.inFlight -= n;
        v.syncing = false;
        if (failure == null) {
          update(v, b);
          report = report(v, now);
          next = report == Report.NOW ? startBatch(v, now) : 0;
        }
      }
      if (failure != null) {
        fallBack();
      } else if (next > 0) {
        send(v, next);
      } else {
        scheduleFlush(v, report);
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
      return RateDecision.of(b.consumed(), partition, policy, v.policyField, remaining, b.nanosToReset(), clock.millis());
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
        sessions.invalidateAll();
        clients.invalidateAll();
        fallbackListener.accept(false);
      }
    });
  }

  /** Forgets the views whose window has passed with nothing owed to the store, and the fallback's full buckets. */
  @Override
  public void prune() {
    long now = nanos();
    sessions.asMap().values().removeIf(v -> v.spent(now));
    clients.asMap().values().removeIf(v -> v.spent(now));
    fallback.prune();
  }

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
