package dev.keycard.server;

import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.revocation.DenylistReplica;
import dev.keycard.core.revocation.RevocationStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether this instance may take traffic: its database answers, and its denylist has caught up with
 * the store recently enough that it can prove it refuses every token revoked through another
 * instance (within {@link #bound()}, three catch-up intervals by default). Redis is reported, never
 * required: without it revocations still arrive by the catch-up, only later.
 */
public final class Readiness {
  /** How the database answered a probe. */
  public enum Database { UP, DOWN, TIMEOUT }

  /**
   * @param denylistAge how long ago the last successful catch-up began, or empty before the first
   * @param feed        {@code connected}, {@code disconnected}, or {@code off} without a change feed
   */
  public record Report(Database database, boolean caughtUp, long lastSequence, Optional<Duration> denylistAge,
      String feed) {
    public boolean ready() {
      return database == Database.UP && caughtUp;
    }
  }

  private final DenylistReplica replica;
  private final RevocationStore revocations;
  private final ChangeFeed feed;
  private final InstantSource clock;
  private final Duration bound;

  Readiness(DenylistReplica replica, RevocationStore revocations, ChangeFeed feed, InstantSource clock, Duration bound) {
    this.replica = Objects.requireNonNull(replica, "replica");
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bound = Objects.requireNonNull(bound, "bound");
  }

  /** Blocking: one read that returns nothing, through the same pool as every other store call. */
  public void probeDatabase() {
    revocations.revokedAfter(Long.MAX_VALUE, 1);
  }

  /** Memory only: the report once the database probe came out as {@code database}. */
  public Report report(Database database) {
    Optional<Duration> age = replica.lastCatchUp().map(at -> Duration.between(at, clock.instant()));
    boolean caughtUp = age.isPresent() && age.get().compareTo(bound) <= 0;
    String feedState = feed == ChangeFeed.NONE ? "off" : feed.connected() ? "connected" : "disconnected";
    return new Report(database, caughtUp, replica.lastSequence(), age, feedState);
  }

  /** The oldest a catch-up may be while the instance still counts as current. */
  public Duration bound() {
    return bound;
  }
}
