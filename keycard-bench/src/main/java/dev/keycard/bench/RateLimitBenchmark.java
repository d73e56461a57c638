package dev.keycard.bench;

import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.ratelimit.RateOutcome;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.ratelimit.SharedRateLimiter;
import dev.keycard.core.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-token rate-limit decision, one thread, with a policy too large to be hit: local buckets
 * for one busy session and for 10,000 sessions in turn (goal: at most 0.3 µs), and the shared
 * limiter's decision from its view with a store that answers at once (the event-loop side of a
 * Redis-backed decision, including starting the background report, which a real Redis batches).
 *
 * <p>Run with {@code bench/run-jmh RateLimitBenchmark} (see the README for the figures).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBenchmark {
  private static final int SESSIONS = 10_000;
  private static final RatePolicies POLICIES = new RatePolicies(new RatePolicy(999_999_999_999L, Duration.ofHours(1)),
      List.of());

  private AccessToken one;
  private AccessToken[] many;
  private int next;
  private LocalRateLimiter local;
  private SharedRateLimiter shared;

  private static AccessToken token(String sid) {
    Instant now = Instant.now();
    return new AccessToken("alice", Set.of("profile"), "web", "https://issuer", List.of("keycard-api"), "jti-" + sid,
        sid, now, now, now.plusSeconds(900));
  }

  /** A store that answers every call at once with plenty left. */
  private static final class InstantStore implements SharedBudgets {
    private static final CompletableFuture<Budget> PLENTY =
        CompletableFuture.completedFuture(new Budget(true, 999_999_999_000L, Duration.ofMinutes(30).toNanos()));

    @Override
    public CompletionStage<Budget> consume(String key, RatePolicy policy, long tokens) {
      return PLENTY;
    }

    @Override
    public CompletionStage<Budget> tryConsume(String key, RatePolicy policy) {
      return PLENTY;
    }

    @Override
    public CompletionStage<Void> ping() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  @Setup
  public void setUp() {
    one = token("busy-session");
    many = new AccessToken[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      many[i] = token("session-" + i);
    }
    local = new LocalRateLimiter(POLICIES, InstantSource.system());
    shared = new SharedRateLimiter(POLICIES, new InstantStore(), InstantSource.system(), down -> { });
  }

  /** One busy session: one cache hit and one bucket compare-and-swap. */
  @Benchmark
  public RateOutcome localOneSession() {
    return local.decide(one);
  }

  /** 10,000 sessions in turn: the cache lookups miss the CPU caches more often. */
  @Benchmark
  public RateOutcome localManySessions() {
    AccessToken t = many[next];
    next = next + 1 == SESSIONS ? 0 : next + 1;
    return local.decide(t);
  }

  /** The shared limiter's event-loop side, one busy session. */
  @Benchmark
  public RateOutcome sharedOneSession() {
    return shared.decide(one);
  }
}
