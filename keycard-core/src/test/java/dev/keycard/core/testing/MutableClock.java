package dev.keycard.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand instead of sleeping. */
public final class MutableClock implements InstantSource {
  private final AtomicLong millis;

  public MutableClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  public static MutableClock atFixedStart() {
    return new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public void set(Instant at) {
    millis.set(at.toEpochMilli());
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }
}
