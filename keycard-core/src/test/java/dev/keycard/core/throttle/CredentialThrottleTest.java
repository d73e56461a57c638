package dev.keycard.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.throttle.CredentialThrottle.Decision;
import dev.keycard.core.throttle.CredentialThrottle.LimitedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialThrottleTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final ThrottlePolicy policy = new ThrottlePolicy(10, 100, 20, Duration.ofMinutes(15), Duration.ofDays(30),
      Duration.ofSeconds(1), Duration.ofSeconds(8));
  private final CredentialThrottle throttle = new CredentialThrottle(new InMemoryAttemptCounters(clock, 10_000), policy);

  private Decision login(String user, String address) {
    return throttle.beforeLogin(user, address).toCompletableFuture().join();
  }

  @Test
  void failedLoginsWhenPastHalfTheLimitThenDelayedDoublingThenRefusedUntilTheWindowEnds() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(((Decision.Proceed) login("alice", "10.0.0." + i)).delay());
    }
    assertThat(delays).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(8));
    Decision refused = login("alice", "10.0.1.1");
    assertThat(refused).isInstanceOf(Decision.Refuse.class);
    assertThat(((Decision.Refuse) refused).limitedBy()).isEqualTo(LimitedBy.ACCOUNT);
    assertThat(((Decision.Refuse) refused).retryAfter()).isEqualTo(Duration.ofMinutes(15));
    clock.advance(Duration.ofMinutes(15));
    assertThat(login("alice", "10.0.1.1")).isInstanceOf(Decision.Proceed.class);
  }

  @Test
  void unknownAndKnownNamesWhenFailingThenSameDecisions() {
    for (int i = 0; i < 12; i++) {
      assertThat(describe(login("alice", "10.0.0.1"))).isEqualTo(describe(login("no-such-user", "10.0.0.2")));
    }
  }

  @Test
  void knownAddressWhenAccountIsUnderAttackThenStillAdmitted() {
    Decision first = login("alice", "192.0.2.7");
    throttle.loginSucceeded(((Decision.Proceed) first).ticket()).toCompletableFuture().join();
    for (int i = 0; i < 50; i++) {
      login("alice", "203.0.113." + i);
    }
    assertThat(login("alice", "198.51.100.1")).isInstanceOf(Decision.Refuse.class);
    assertThat(login("alice", "192.0.2.7")).isEqualTo(new Decision.Proceed(Duration.ZERO,
        ((Decision.Proceed) login("alice", "192.0.2.7")).ticket()));
  }

  @Test
  void addressWhenPastItsLimitThenRefusedForEveryAccount() {
    for (int i = 0; i < 100; i++) {
      assertThat(login("user" + i, "10.9.9.9")).isInstanceOf(Decision.Proceed.class);
    }
    Decision refused = login("someone-else", "10.9.9.9");
    assertThat(((Decision.Refuse) refused).limitedBy()).isEqualTo(LimitedBy.ADDRESS);
  }

  @Test
  void clientAuthenticationWhenFailingPastTheLimitThenRefusedButNotFromItsKnownAddress() {
    Decision ok = throttle.beforeClientAuthentication("api", "10.0.0.1").toCompletableFuture().join();
    throttle.clientAuthenticationSucceeded(((Decision.Proceed) ok).ticket()).toCompletableFuture().join();
    for (int i = 0; i < 20; i++) {
      Decision d = throttle.beforeClientAuthentication("api", "10.6.6." + i).toCompletableFuture().join();
      throttle.clientAuthenticationFailed(((Decision.Proceed) d).ticket()).toCompletableFuture().join();
    }
    assertThat(throttle.beforeClientAuthentication("api", "10.7.7.7").toCompletableFuture().join())
        .isInstanceOf(Decision.Refuse.class);
    assertThat(throttle.beforeClientAuthentication("api", "10.0.0.1").toCompletableFuture().join())
        .isInstanceOf(Decision.Proceed.class);
  }

  @Test
  void ipv6AddressesWhenInOneSlash64ThenCountedTogether() {
    assertThat(CredentialThrottle.network("2001:db8:1:2:aaaa::1")).isEqualTo(CredentialThrottle.network("2001:db8:1:2::ffff"));
    assertThat(CredentialThrottle.network("2001:db8:1:2::1")).isNotEqualTo(CredentialThrottle.network("2001:db8:1:3::1"));
    assertThat(CredentialThrottle.network("192.0.2.1")).isEqualTo("192.0.2.1");
    for (int i = 0; i < 100; i++) {
      login("user" + i, "2001:db8:1:2::" + Integer.toHexString(i + 1));
    }
    assertThat(login("someone", "2001:db8:1:2:ffff::9")).isInstanceOf(Decision.Refuse.class);
  }

  @Test
  void offWhenDisabledThenEverythingProceedsAtOnce() {
    CredentialThrottle off = new CredentialThrottle(new InMemoryAttemptCounters(clock, 10), ThrottlePolicy.OFF);
    for (int i = 0; i < 100; i++) {
      assertThat(off.beforeLogin("alice", "10.0.0.1").toCompletableFuture().join())
          .isEqualTo(new Decision.Proceed(Duration.ZERO, new CredentialThrottle.Ticket(null, null, null, false)));
    }
  }

  private static String describe(Decision d) {
    return switch (d) {
      case Decision.Proceed p -> "proceed " + p.delay();
      case Decision.Refuse r -> "refuse " + r.retryAfter();
    };
  }
}
