package dev.keycard.core.ratelimit;

import static dev.keycard.core.ratelimit.RatePolicyTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
  private final MutableClock clock = MutableClock.atFixedStart();

  private static RateDecision decided(RateOutcome outcome) {
    return (RateDecision) outcome;
  }

  @Test
  void decideCountsDownThenRefusesTheRequestAfterTheQuota() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("20/1h"), List.of()), clock);
    for (int i = 1; i <= 20; i++) {
      RateDecision d = decided(limiter.decide(token("web", "s1")));
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(20 - i);
      assertThat(d.resetSeconds()).isEqualTo(3600 - (i - 1));
      clock.advance(Duration.ofSeconds(1));
    }
    RateDecision refused = decided(limiter.decide(token("web", "s1")));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.resetSeconds()).isEqualTo(3600 - 20);
    assertThat(refused.policyField()).isEqualTo("\"session\";q=20;w=3600");
    assertThat(refused.rateLimitField()).isEqualTo("\"session\";r=0;t=3580");
  }

  @Test
  void decideWhenTheWindowEndsThenTheWholeQuotaIsBack() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("3/1m"), List.of()), clock);
    for (int i = 0; i < 3; i++) {
      limiter.decide(token("web", "s1"));
    }
    assertThat(decided(limiter.decide(token("web", "s1"))).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(60));
    RateDecision next = decided(limiter.decide(token("web", "s1")));
    assertThat(next.allowed()).isTrue();
    assertThat(next.remaining()).isEqualTo(2);
  }

  @Test
  void tokensOfOneSessionShareABudgetAndAnotherSessionHasItsOwn() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("2/1h"), List.of()), clock);
    limiter.decide(token("web", "s1"));
    limiter.decide(token("web", "s1")); // a refreshed access token: same sid
    assertThat(decided(limiter.decide(token("web", "s1"))).allowed()).isFalse();
    assertThat(decided(limiter.decide(token("web", "s2"))).allowed()).isTrue();
    RateDecision client = decided(limiter.decide(token("ci", null)));
    assertThat(client.allowed()).isTrue();
    assertThat(client.rateLimitField()).startsWith("\"client\";r=1;");
  }

  @Test
  void decideWithoutPolicyIsUnlimitedWithoutFields() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("1/1h"),
        List.of(RatePolicies.Override.parse("client:batch=off"))), clock);
    for (int i = 0; i < 5; i++) {
      assertThat(decided(limiter.decide(token("batch", "s1")))).isSameAs(RateDecision.UNLIMITED);
    }
    assertThat(RateDecision.UNLIMITED.policyField()).isNull();
  }

  @Test
  void bucketsBeyondTheBoundAreEvictedSoMemoryStaysBounded() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("1/1h"), List.of()), clock, 100);
    for (int i = 0; i < 10_000; i++) {
      limiter.decide(token("web", "s" + i));
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(200);
  }

  @Test
  void pruneForgetsBucketsWhoseWindowHasPassedAndKeepsTheOthersCounting() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("3/1m"), List.of()), clock);
    limiter.decide(token("web", "idle"));
    clock.advance(Duration.ofSeconds(30));
    limiter.decide(token("web", "busy"));
    limiter.decide(token("ci", null));
    clock.advance(Duration.ofSeconds(31)); // idle's window has passed, busy's has not
    limiter.prune();
    assertThat(limiter.size()).isEqualTo(2); // busy and the client
    assertThat(decided(limiter.decide(token("web", "busy"))).remaining()).isEqualTo(1);
    assertThat(decided(limiter.decide(token("web", "idle"))).remaining()).isEqualTo(2);
  }

  @Test
  void anAllowedDecisionNeedsNoTimeButARefusalSaysWhenItWasTaken() {
    LocalRateLimiter limiter = new LocalRateLimiter(new RatePolicies(RatePolicy.parse("1/1h"), List.of()), clock);
    limiter.decide(token("web", "s1"));
    RateDecision refused = decided(limiter.decide(token("web", "s1")));
    assertThat(refused.atMillis()).isEqualTo(clock.millis());
    assertThat(refused.resetAtMillis()).isEqualTo(clock.millis() + 3600_000);
  }
}
