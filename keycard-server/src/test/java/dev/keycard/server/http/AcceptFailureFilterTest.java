package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AcceptFailureFilterTest {
  final MutableClock clock = MutableClock.atFixedStart();
  final AcceptFailureFilter filter = new AcceptFailureFilter(clock);
  final LoggerContext context = new LoggerContext();
  final Logger pipeline = context.getLogger(AcceptFailureFilter.LOGGER);

  private FilterReply warn(Logger logger) {
    return filter.decide(null, logger, Level.WARN, "An exceptionCaught() event was fired", null, null);
  }

  @Test
  void repeatedAcceptFailuresThenOnlyTheFirstOfEachMinuteIsLogged() {
    assertThat(warn(pipeline)).isEqualTo(FilterReply.NEUTRAL);
    for (int second = 1; second < 60; second++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(warn(pipeline)).isEqualTo(FilterReply.DENY);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(warn(pipeline)).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void otherLoggersAndLowerLevelsAreLeftAlone() {
    warn(pipeline);
    assertThat(warn(context.getLogger("dev.keycard.server.http.Routes"))).isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(null, pipeline, Level.DEBUG, "x", null, null)).isEqualTo(FilterReply.NEUTRAL);
  }
}
