package dev.keycard.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything logged (every logger, as configured) while open: for tests that assert what a server
 * wrote, or did not write, to its log.
 */
public final class CapturedLogs implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public CapturedLogs() {
    appender.start();
    root.addAppender(appender);
  }

  // ListAppender appends under the appender's lock (AppenderBase.doAppend is synchronized): read under it too.

  /** Each event as the log would show it: the message, then the stack trace if there is one. */
  public List<String> lines() {
    synchronized (appender) {
      return appender.list.stream().map(CapturedLogs::render).toList();
    }
  }

  /** The events that carry a stack trace, rendered. */
  public List<String> stackTraces() {
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getThrowableProxy() != null).map(CapturedLogs::render).toList();
    }
  }

  private static String render(ILoggingEvent event) {
    String text = event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage();
    return event.getThrowableProxy() == null ? text : text + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
