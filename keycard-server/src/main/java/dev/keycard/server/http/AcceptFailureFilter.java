package dev.keycard.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Marker;

/**
 * Lets at most one warning a minute through from Netty's "an exception reached the tail of the
 * pipeline" logger, which is where a failing {@code accept} ends up: when the process is out of file
 * descriptors (EMFILE), Netty retries every second and each retry would log another warning (with a
 * stack trace on the NIO transport). One a minute still says that it is happening. The connection cap
 * ({@link ListenerGuard#connectionCap}) is what keeps keycard's own connections from getting there.
 * Installed in {@code logback.xml}.
 */
public final class AcceptFailureFilter extends TurboFilter {
  static final String LOGGER = "io.netty.channel.DefaultChannelPipeline";
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final InstantSource clock;
  private Instant next = Instant.MIN;

  public AcceptFailureFilter() {
    this(InstantSource.system());
  }

  AcceptFailureFilter(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Called for every logging call, enabled or not: the level test comes first and costs an int compare.
    if (level == null || !level.isGreaterOrEqual(Level.WARN) || !LOGGER.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    synchronized (this) {
      Instant now = clock.instant();
      if (now.isBefore(next)) {
        return FilterReply.DENY;
      }
      next = now.plus(INTERVAL);
      return FilterReply.NEUTRAL;
    }
  }
}
