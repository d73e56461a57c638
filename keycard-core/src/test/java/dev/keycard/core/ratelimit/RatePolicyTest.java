package dev.keycard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RatePolicyTest {
  static AccessToken token(String client, String sid, String... scopes) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new AccessToken("alice", Set.of(scopes), client, "iss", List.of("aud"), "jti-1", sid, now, now,
        now.plusSeconds(900));
  }

  @Test
  void parseReadsQuotaAndWindowInEveryUnit() {
    assertThat(RatePolicy.parse("1000/1h")).isEqualTo(new RatePolicy(1000, Duration.ofHours(1)));
    assertThat(RatePolicy.parse("20/h")).isEqualTo(new RatePolicy(20, Duration.ofHours(1)));
    assertThat(RatePolicy.parse("100/1m")).isEqualTo(new RatePolicy(100, Duration.ofMinutes(1)));
    assertThat(RatePolicy.parse(" 5/30s ")).isEqualTo(new RatePolicy(5, Duration.ofSeconds(30)));
    assertThat(RatePolicy.parse("100000/1d")).isEqualTo(new RatePolicy(100_000, Duration.ofDays(1)));
    assertThat(RatePolicy.parse("off")).isNull();
    assertThat(RatePolicy.parse("OFF")).isNull();
  }

  @Test
  void parseWhenMalformedThenNamesTheExpectedForm() {
    for (String bad : List.of("", "1000", "1000/", "1000/1x", "-1/1h", "0/1h", "1000/0s", "a/1h", "1000/400d")) {
      assertThatThrownBy(() -> RatePolicy.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void overrideParseReadsClientAndScopeOverridesAndOff() {
    assertThat(RatePolicies.Override.parse("client:ci-bot=100/1m"))
        .isEqualTo(new RatePolicies.Override(true, "ci-bot", new RatePolicy(100, Duration.ofMinutes(1))));
    assertThat(RatePolicies.Override.parse("scope:stream:publish=off"))
        .isEqualTo(new RatePolicies.Override(false, "stream:publish", null));
    for (String bad : List.of("ci-bot=100/1m", "user:x=1/1h", "client:=1/1h", "client:x", "client:x=lots")) {
      assertThatThrownBy(() -> RatePolicies.Override.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void resolveTakesTheFirstMatchingOverrideElseTheGlobalPolicy() {
    RatePolicy global = RatePolicy.parse("1000/1h");
    RatePolicies policies = new RatePolicies(global, List.of(
        RatePolicies.Override.parse("client:batch=off"),
        RatePolicies.Override.parse("scope:bulk=10000/1h"),
        RatePolicies.Override.parse("client:web=50/1m")));
    assertThat(policies.resolve(token("web", "s1", "profile"))).isEqualTo(RatePolicy.parse("50/1m"));
    assertThat(policies.resolve(token("web", "s1", "bulk"))).isEqualTo(RatePolicy.parse("10000/1h"));
    assertThat(policies.resolve(token("batch", null, "bulk"))).isNull();
    assertThat(policies.resolve(token("other", "s2", "profile"))).isEqualTo(global);
    assertThat(policies.off()).isFalse();
    assertThat(RatePolicies.OFF.off()).isTrue();
  }

  @Test
  void partitionIsTheSessionWhenThereIsOneElseTheClient() {
    assertThat(RatePartition.of(token("web", "s1"))).isEqualTo(new RatePartition("session", "s:s1"));
    assertThat(RatePartition.of(token("ci", null))).isEqualTo(new RatePartition("client", "c:ci"));
  }
}
