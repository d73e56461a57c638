package dev.keycard.core.ratelimit;

import static dev.keycard.core.ratelimit.RatePolicyTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.InMemoryBudgets;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two instances ({@link SharedRateLimiter}s) on one shared store: they share each budget, decide
 * most requests without a round trip, and fall back to local buckets while the store is down.
 */
class SharedRateLimiterTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryBudgets store = new InMemoryBudgets(clock);
  private final List<Boolean> fallbacks = new ArrayList<>();

  private SharedRateLimiter instance(String policy) {
    return new SharedRateLimiter(new RatePolicies(RatePolicy.parse(policy), List.of()), store, clock, fallbacks::add,
        Duration.ZERO);
  }

  private static RateDecision decide(RateLimiter limiter, String sid) {
    return switch (limiter.decide(token("web", sid))) {
      case RateDecision d -> d;
      case RateOutcome.Later later -> later.decision().toCompletableFuture().join();
    };
  }

  /**
   * Alternating between the instances: every request but the 1,001st is allowed, and {@code r} is
   * exact once the budget nears its end (the store decides); before that, an instance's {@code r} may
   * be high by the other's requests since it last heard from the store (here one), never low.
   */
  @Test
  void twoInstancesShareOneBudgetAndTheRequestAfterTheQuotaIsRefusedOnEither() {
    SharedRateLimiter a = instance("1000/1h");
    SharedRateLimiter b = instance("1000/1h");
    long margin = SharedRateLimiter.margin(RatePolicy.parse("1000/1h"));
    for (int i = 1; i <= 1000; i++) {
      RateDecision d = decide(i % 2 == 0 ? a : b, "s1");
      assertThat(d.allowed()).as("request %d", i).isTrue();
      if (1000 - i < margin - 1) { // the view says the margin is reached one request late
        assertThat(d.remaining()).as("request %d", i).isEqualTo(1000 - i);
      } else {
        assertThat(d.remaining()).as("request %d", i).isBetween(1000L - i, 1000L - i + 1);
      }
    }
    assertThat(decide(a, "s1").allowed()).isFalse();
    assertThat(decide(b, "s1").allowed()).isFalse();
    assertThat(decide(a, "s2").allowed()).as("another session").isTrue();
  }

  @Test
  void onlyTheLastRequestsOfAWindowWaitForTheStore() {
    SharedRateLimiter a = instance("1000/1h");
    int waited = 0;
    for (int i = 0; i < 1000; i++) {
      if (a.decide(token("web", "s1")) instanceof RateOutcome.Later later) {
        waited++;
        later.decision().toCompletableFuture().join();
      }
    }
    assertThat(waited).isEqualTo(SharedRateLimiter.margin(RatePolicy.parse("1000/1h")));
    assertThat(a.decide(token("web", "s1"))).as("a spent budget is refused without the store")
        .isInstanceOf(RateDecision.class);
  }

  @Test
  void aSpentBudgetIsRefusedWithoutAskingTheStoreUntilItsWindowEnds() {
    SharedRateLimiter a = instance("20/1h");
    for (int i = 0; i < 20; i++) {
      decide(a, "s1");
    }
    assertThat(decide(a, "s1").allowed()).isFalse();
    int calls = store.calls.get();
    RateDecision refused = decide(a, "s1");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.resetSeconds()).isBetween(3599L, 3600L);
    assertThat(store.calls.get()).isEqualTo(calls);
    clock.advance(Duration.ofHours(1));
    assertThat(decide(a, "s1").allowed()).isTrue();
  }

  /**
   * With a pace (as {@code keycard serve} runs it), a budget far from its end is reported rarely: a
   * report once the unreported requests reach a hundredth of what is left. Near the end every
   * request is still counted: the request after the quota is refused on either instance.
   */
  @Test
  void withAPaceABudgetFarFromItsEndIsReportedRarelyAndTheEndIsStillExact() {
    RatePolicies policies = new RatePolicies(RatePolicy.parse("20000/1h"), List.of());
    SharedRateLimiter a = new SharedRateLimiter(policies, store, clock, fallbacks::add, Duration.ofMillis(10));
    SharedRateLimiter b = new SharedRateLimiter(policies, store, clock, fallbacks::add, Duration.ofMillis(10));
    for (int i = 0; i < 1000; i++) { // a second of traffic
      clock.advance(Duration.ofMillis(1));
      decide(a, "s1");
    }
    // A report per 200 requests (a hundredth of the 20,000 left), where the pace alone would allow 100.
    assertThat(store.calls.get()).as("reports for 1,000 requests far from the end").isLessThanOrEqualTo(10);
    int allowed = 1000;
    for (int i = 0; i < 30_000 && allowed < 20_000 + 5; i++) {
      clock.advance(Duration.ofMillis(20));
      if (decide(i % 2 == 0 ? b : a, "s1").allowed()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(20_000);
    assertThat(decide(a, "s1").allowed()).isFalse();
    assertThat(decide(b, "s1").allowed()).isFalse();
  }

  @Test
  void pruneKeepsAViewWhoseWindowIsRunningSoASpentBudgetIsStillRefusedLocally() {
    SharedRateLimiter a = instance("20/1h");
    for (int i = 0; i < 20; i++) {
      decide(a, "s1");
    }
    clock.advance(Duration.ofMinutes(59));
    a.prune();
    int calls = store.calls.get();
    assertThat(decide(a, "s1").allowed()).isFalse();
    assertThat(store.calls.get()).as("still decided from the view").isEqualTo(calls);
    clock.advance(Duration.ofMinutes(1));
    a.prune(); // the window has passed and nothing is owed: a new view starts from the store's answer
    assertThat(decide(a, "s1").allowed()).isTrue();
  }

  @Test
  void storeDownFallsBackToLocalBucketsOnceThenSharesAgainWhenItIsBack() {
    SharedRateLimiter a = instance("20/1h");
    decide(a, "s1");
    store.down = true;
    for (int i = 0; i < 50; i++) {
      decide(a, "s1"); // never throws, whatever the store does
    }
    assertThat(a.fallingBack()).isTrue();
    assertThat(fallbacks).containsExactly(true);
    // Local buckets still limit: the quota is counted afresh in this instance.
    assertThat(decide(a, "s9").remaining()).isEqualTo(19);

    store.down = false;
    clock.advance(SharedRateLimiter.PROBE_EVERY);
    decide(a, "s1"); // the probe goes out with a request
    assertThat(a.fallingBack()).isFalse();
    assertThat(fallbacks).containsExactly(true, false);
  }
}
