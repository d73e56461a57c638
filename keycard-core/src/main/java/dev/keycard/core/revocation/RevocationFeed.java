package dev.keycard.core.revocation;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The denylist as a feed other services follow: every entry after a sequence number, in order, in
 * bounded pages, each still in force. An entry is an id (a token's {@code jti} or a session's
 * {@code sid}: a token is revoked when either of its ids is listed) and the instant it stops mattering,
 * when every token it kills has expired; after that it is no longer given out. Blocking: it reads the
 * {@link RevocationStore}, so call it from a worker.
 *
 * <p>Followers that hold a stream open are told when an entry may have been saved ({@link #saved()}:
 * a revocation through this instance, or another instance's message), so they read at once instead
 * of at their next poll; the poll stays as the fallback for anything this instance is not told of.
 */
public final class RevocationFeed {
  /** The most entries one page holds. */
  public static final int MAX_PAGE = 1_000;

  private final RevocationStore store;
  private final InstantSource clock;
  private final Set<Runnable> followers = new CopyOnWriteArraySet<>();

  public RevocationFeed(RevocationStore store, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One page.
   *
   * @param entries the entries in force, in sequence order
   * @param next    where the next page starts: the sequence of the last entry read, in force or not
   *                (pass it as {@code after}); {@code after} itself when nothing was read
   * @param more    whether the store may hold more right now (the page was full)
   */
  public record Page(List<Revocation> entries, long next, boolean more) {
    public Page {
      entries = List.copyOf(entries);
    }
  }

  /** Up to {@code limit} entries saved after sequence {@code after}; {@code limit} is 1 to {@link #MAX_PAGE}. */
  public Page after(long after, int limit) {
    if (after < 0 || limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("after must be at least 0 and limit between 1 and " + MAX_PAGE);
    }
    List<Revocation> read = store.revokedAfter(after, limit);
    Instant now = clock.instant();
    List<Revocation> inForce = new ArrayList<>(read.size());
    long next = after;
    for (Revocation r : read) {
      if (r.until().isAfter(now)) {
        inForce.add(r);
      }
      next = r.sequence();
    }
    return new Page(inForce, next, read.size() == limit);
  }

  /**
   * Calls {@code follower} after each {@link #saved()} until the returned handle is closed. It runs
   * on the thread that saved: it must only hand the work on (to an event loop, say), never block.
   */
  public AutoCloseable follow(Runnable follower) {
    Runnable own = follower::run; // a distinct identity, so the same Runnable may follow twice
    followers.add(own);
    return () -> followers.remove(own);
  }

  /** An entry may have been saved: wakes every follower. Cheap when there are none. */
  public void saved() {
    for (Runnable f : followers) {
      f.run();
    }
  }
}
