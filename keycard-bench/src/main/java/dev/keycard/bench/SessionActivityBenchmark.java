package dev.keycard.bench;

import dev.keycard.core.session.SessionActivity;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording a session's use costs each accepted bearer check (on the event loop, beside the
 * verified-token cache's ≈ 0.1 µs): one Caffeine lookup of the session among 10,000 known ones and one
 * write of its time and address (one a second per session and address: a player polling within the
 * second costs only the lookup). One thread, as one event loop; {@link #of} (what the admin API reads)
 * beside it, for scale.
 *
 * <p>Run with {@code bench/run-jmh SessionActivityBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionActivityBenchmark {
  private static final int SESSIONS = 10_000;

  private SessionActivity activity;
  private String[] sessionIds;

  @Setup
  public void setUp() {
    activity = new SessionActivity(InstantSource.system(), Duration.ofDays(14), 100_000);
    sessionIds = new String[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      sessionIds[i] = "sid-" + Integer.toHexString(i * 31) + "-" + i;
      activity.used(sessionIds[i], "192.0.2.1");
    }
  }

  /** Each thread walks the sessions from its own starting point. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup
    public void start() {
      next = java.util.concurrent.ThreadLocalRandom.current().nextInt(SESSIONS);
    }
  }

  @Benchmark
  public void used(Cursor cursor) {
    int i = cursor.next;
    cursor.next = i + 7 >= SESSIONS ? (i + 7) - SESSIONS : i + 7;
    activity.used(sessionIds[i], "198.51.100.7");
  }

  /** A read of one session's record, no write: the floor under {@link #used}. */
  @Benchmark
  public Object of(Cursor cursor) {
    int i = cursor.next;
    cursor.next = i + 7 >= SESSIONS ? (i + 7) - SESSIONS : i + 7;
    return activity.of(sessionIds[i]);
  }
}
