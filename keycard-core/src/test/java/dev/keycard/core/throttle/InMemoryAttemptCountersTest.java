package dev.keycard.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryAttemptCountersTest extends AttemptCountersContract {
  @Override
  protected AttemptCounters create() {
    return new InMemoryAttemptCounters(clock, 1_000);
  }

  @Test
  void floodOfMadeUpKeysWhenOverMaxKeysThenMemoryStaysBounded() {
    InMemoryAttemptCounters bounded = new InMemoryAttemptCounters(clock, 100);
    for (int i = 0; i < 10_000; i++) {
      bounded.hit("login:acct:" + i, 10, Duration.ofMinutes(15));
    }
    assertThat(bounded.size()).isLessThanOrEqualTo(100);
  }
}
