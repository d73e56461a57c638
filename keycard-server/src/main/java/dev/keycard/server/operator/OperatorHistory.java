package dev.keycard.server.operator;

import dev.keycard.core.session.SessionActivity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operator page's last hour, one row a minute, read from this instance's meters: logins and
 * failures, rate-limited requests, anomalies and refresh-token reuse (how many in that minute), and
 * viewers and active sessions (how many at its end). Kept in memory, so it starts empty at each
 * start; the server's maintenance job {@linkplain #sample samples} it every few seconds and a row is
 * closed when its minute has passed. A small ring: 60 rows of a few longs.
 */
public final class OperatorHistory {
  public static final int MINUTES = 60;
  /** A session used within this long counts as active. */
  public static final Duration ACTIVE_WITHIN = Duration.ofMinutes(5);

  /**
   * One minute.
   *
   * @param at       the minute's start
   * @param complete whether the minute has passed; the last row of {@link #lastHour} is the minute
   *                 going on, so far
   */
  public record Minute(Instant at, long loginsSucceeded, long loginsFailed, long rateLimited, long anomalies,
      long refreshReuse, long viewers, long activeSessions, boolean complete) {}

  /** The counters' running totals since this instance started. */
  public record Totals(long loginsSucceeded, long loginsFailed, long rateLimited, long anomalies,
      long refreshReuse) {}

  private final MeterRegistry meters;
  private final SessionActivity activity;
  private final InstantSource clock;
  private final ArrayDeque<Minute> minutes = new ArrayDeque<>(MINUTES);
  private Instant currentMinute;
  private Totals atMinuteStart;

  public OperatorHistory(MeterRegistry meters, SessionActivity activity, InstantSource clock) {
    this.meters = Objects.requireNonNull(meters, "meters");
    this.activity = Objects.requireNonNull(activity, "activity");
    this.clock = Objects.requireNonNull(clock, "clock");
    sample(); // the first minute starts with the server
  }

  /** Closes the current minute's row if its minute has passed; cheap otherwise. */
  public synchronized void sample() {
    Instant minute = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    if (currentMinute == null) {
      currentMinute = minute;
      atMinuteStart = totals();
      return;
    }
    if (!minute.isAfter(currentMinute)) {
      return;
    }
    Totals now = totals();
    if (minutes.size() == MINUTES) {
      minutes.removeFirst();
    }
    minutes.addLast(soFar(now, true));
    currentMinute = minute;
    atMinuteStart = now;
  }

  /**
   * The closed minutes of the last hour, oldest first, then the minute going on so far (once the
   * first sample was taken), so a chart moves before its first minute has passed.
   */
  public synchronized List<Minute> lastHour() {
    List<Minute> all = new ArrayList<>(minutes);
    if (currentMinute != null) {
      all.add(soFar(totals(), false));
    }
    return all;
  }

  private Minute soFar(Totals now, boolean complete) {
    return new Minute(currentMinute, now.loginsSucceeded() - atMinuteStart.loginsSucceeded(),
        now.loginsFailed() - atMinuteStart.loginsFailed(), now.rateLimited() - atMinuteStart.rateLimited(),
        now.anomalies() - atMinuteStart.anomalies(), now.refreshReuse() - atMinuteStart.refreshReuse(),
        viewers(), activity.recent(ACTIVE_WITHIN, 0).active(), complete);
  }

  public Totals totals() {
    return new Totals(count("keycard.logins", "outcome", "succeeded"), count("keycard.logins", "outcome", "failed"),
        count("keycard.ratelimit.limited", null, null), count("keycard.anomalies", null, null),
        count("keycard.refresh.reuse", null, null));
  }

  /** Playback sessions this instance's edge served lately. */
  public long viewers() {
    return Math.round(meters.find("keycard.playback.sessions.active").gauges().stream()
        .mapToDouble(Gauge::value).sum());
  }

  private long count(String name, String tag, String value) {
    Search search = meters.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return Math.round(search.counters().stream().mapToDouble(Counter::count).sum());
  }
}
