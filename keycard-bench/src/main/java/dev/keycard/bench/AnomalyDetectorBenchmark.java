package dev.keycard.bench;

import dev.keycard.core.anomaly.Anomaly;
import dev.keycard.core.anomaly.AnomalyDetector;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.geo.Geolocation.Location;
import java.util.List;
import java.util.Optional;
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
 * What anomaly detection adds to every successful bearer check, on the event loop: the flood count,
 * the sharing check and the account's place (geolocation answered from a map, as the cached GeoIP2
 * lookup is on a hit). {@code oneSession}: the same session from the same address, the common case;
 * {@code manySessions}: 10,000 sessions in turn, so each call finds another session's state. Run with
 * {@code -prof gc} for the allocation per call.
 *
 * <p>Measured 2026-12-02 (Temurin 25, 2 cores shared at load 14, one run beside
 * {@code BearerValidationBenchmark.alreadySeen} HS256 at 0.26 us): oneSession 0.39 us, manySessions
 * 0.57 us, 0.4 B/op. Finding the session's account once per session (not per call) took oneSession from
 * 1.8x to 1.5x the already-seen bearer check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AnomalyDetectorBenchmark {
  private static final int SESSIONS = 10_000;
  private final String[] sessions = new String[SESSIONS];
  private final String[] subjects = new String[SESSIONS];
  private AnomalyDetector detector;
  private int next;

  @Setup
  public void setUp() {
    Location paris = new Location("FR", 48.8566, 2.3522, 20);
    Geolocation places = ip -> Optional.of(paris);
    detector = AnomalyDetector.builder().geolocation(places).build();
    for (int i = 0; i < SESSIONS; i++) {
      sessions[i] = "session-" + i;
      subjects[i] = "user-" + i;
    }
  }

  @Benchmark
  public List<Anomaly> oneSession() {
    return detector.bearerUsed("alice", "keycard", "session-0", "198.51.100.7");
  }

  @Benchmark
  public List<Anomaly> manySessions() {
    int i = next;
    next = i + 1 == SESSIONS ? 0 : i + 1;
    return detector.bearerUsed(subjects[i], "keycard", sessions[i], "198.51.100.7");
  }
}
