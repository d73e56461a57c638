package dev.keycard.server;

import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.change.ChangeListener;
import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.revocation.DenylistReplica;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import io.vertx.core.Vertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance in step with the others on the same store through the {@link ChangeFeed}: a
 * revocation message with a sequence this replica has not reached starts a catch-up from the store,
 * a reload message re-reads that copy (signing keys, URL keys, streams), and every (re)connection of
 * the feed does all of these, since messages sent while it was down are lost. All of it on worker
 * threads; the feed's own threads only hand work over.
 *
 * <p>Why catch up from the store rather than apply what the message says: the store is the one
 * source of truth and its sequence has gaps, so a receiver could not tell from a message whether it
 * missed another; reading "after the last one seen" keeps {@link DenylistReplica#lastSequence()}
 * exact, and messages need carry nothing but a number. It costs one indexed read per revocation.
 */
final class ChangeFollower implements ChangeListener {
  private static final Logger log = LoggerFactory.getLogger(ChangeFollower.class);

  private final Vertx vertx;
  private final DenylistReplica replica;
  private final DenylistCatchUp catchUp;
  private final Map<Change.Reload, Runnable> reloads;
  private final InstantSource clock;
  private final Timer propagation;

  /** @param reloads what to run (blocking) for each kind of reload message */
  ChangeFollower(Vertx vertx, DenylistReplica replica, DenylistCatchUp catchUp, Map<Change.Reload, Runnable> reloads) {
    this(vertx, replica, catchUp, reloads, InstantSource.system(), new SimpleMeterRegistry());
  }

  /**
   * @param clock  what the arrival of a revocation message is timed by
   * @param meters where {@code keycard.revocation.propagation} is recorded: from another instance's
   *               save of a revocation to this one's receipt of the message (both instances' clocks)
   */
  ChangeFollower(Vertx vertx, DenylistReplica replica, DenylistCatchUp catchUp, Map<Change.Reload, Runnable> reloads,
      InstantSource clock, MeterRegistry meters) {
    this.vertx = vertx;
    this.replica = replica;
    this.catchUp = catchUp;
    this.reloads = new EnumMap<>(reloads);
    this.clock = clock;
    this.propagation = Timer.builder("keycard.revocation.propagation")
        .description("From a revocation's save at another instance to the arrival of its message here")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30)).register(meters);
  }

  @Override
  public void changed(Change change) {
    switch (change) {
      case Change.Revoked revoked -> {
        if (revoked.sequence() > replica.lastSequence()) {
          if (revoked.savedAtMillis() > 0) { // news from another instance (this one's own are caught up already)
            long delay = clock.millis() - revoked.savedAtMillis();
            propagation.record(Math.max(0, delay), TimeUnit.MILLISECONDS);
          }
          catchUp.request();
        }
      }
      case Change.Reload reload -> reload(reload);
    }
  }

  @Override
  public void connected() {
    catchUp.request();
    reloads.keySet().forEach(this::reload);
  }

  @Override
  public void disconnected() {
    // The periodic catch-up goes on by itself; the keys and streams by the maintenance job.
  }

  private void reload(Change.Reload reload) {
    Runnable work = reloads.get(reload);
    if (work == null) {
      return;
    }
    vertx.executeBlocking(() -> {
      work.run();
      return null;
    }, false).onFailure(e -> log.warn("reload of {} after a change message failed: {}", reload, e.toString()));
  }

  /**
   * The denylist the authorization server writes through: each revocation is saved (by the replica),
   * read back to learn its sequence, and announced on the feed. Announcing never fails the revocation:
   * a lost message costs the others one catch-up interval.
   */
  static Denylist announcing(DenylistReplica replica, ChangeFeed feed) {
    return announcing(replica, feed, InstantSource.system());
  }

  /** @param clock the save time each message carries is read from it */
  static Denylist announcing(DenylistReplica replica, ChangeFeed feed, InstantSource clock) {
    if (feed == ChangeFeed.NONE) {
      return replica;
    }
    return new Denylist() {
      @Override
      public boolean isRevoked(String id) {
        return replica.isRevoked(id);
      }

      @Override
      public void revoke(String id, Instant until) {
        replica.revoke(id, until);
        try {
          replica.catchUp();
          feed.publish(new Change.Revoked(replica.lastSequence(), clock.millis()));
        } catch (RuntimeException e) { // saved already; the others find it on their next catch-up
          log.debug("revocation saved but not announced: {}", e.toString());
        }
      }
    };
  }

  /** A stream registered through this instance's API is announced, so the others list it at once. */
  static StreamStore announcing(StreamStore store, ChangeFeed feed) {
    if (feed == ChangeFeed.NONE) {
      return store;
    }
    return new StreamStore() {
      @Override
      public boolean add(StreamId id, Instant createdAt) {
        boolean added = store.add(id, createdAt);
        if (added) {
          feed.publish(Change.Reload.STREAMS);
        }
        return added;
      }

      @Override
      public List<StreamId> all() {
        return store.all();
      }

      @Override
      public boolean exists(StreamId id) {
        return store.exists(id);
      }
    };
  }
}
