package dev.keycard.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.testing.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class OperatorHistoryTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final SessionActivity activity = new SessionActivity(clock, Duration.ofDays(1), 100);
  private final Counter succeeded = Counter.builder("keycard.logins").tag("outcome", "succeeded").register(meters);
  private final Counter failed = Counter.builder("keycard.logins").tag("outcome", "failed").register(meters);

  @Test
  void eachMinuteCountsWhatHappenedInItAndTheLastRowIsTheMinuteSoFar() {
    clock.set(clock.instant().truncatedTo(ChronoUnit.MINUTES));
    OperatorHistory history = new OperatorHistory(meters, activity, clock);
    succeeded.increment(3);
    failed.increment();
    activity.used("sid-1", "ana", "192.0.2.1");

    clock.advance(Duration.ofSeconds(65));
    history.sample();
    succeeded.increment(2);

    assertThat(history.lastHour()).hasSize(2);
    OperatorHistory.Minute first = history.lastHour().get(0);
    assertThat(first.complete()).isTrue();
    assertThat(first.loginsSucceeded()).isEqualTo(3);
    assertThat(first.loginsFailed()).isEqualTo(1);
    assertThat(first.activeSessions()).isEqualTo(1);
    OperatorHistory.Minute now = history.lastHour().get(1);
    assertThat(now.complete()).isFalse();
    assertThat(now.loginsSucceeded()).isEqualTo(2);
    assertThat(history.totals().loginsSucceeded()).isEqualTo(5);
  }

  @Test
  void onlyTheLastHourIsKept() {
    OperatorHistory history = new OperatorHistory(meters, activity, clock);
    for (int i = 0; i < 90; i++) {
      clock.advance(Duration.ofMinutes(1));
      history.sample();
    }
    assertThat(history.lastHour()).hasSize(OperatorHistory.MINUTES + 1);
  }
}
