package dev.keycard.core.revocation;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process denylist as a replica of a shared {@link RevocationStore}. Lookups answer from memory
 * (they are on the path of every request); a revocation is written to the store before it takes effect
 * here, so one that was acknowledged survives a restart; and {@link #catchUp} reads what other
 * instances and CLI commands saved since the last entry this replica has seen, by sequence number.
 *
 * <p>Call {@link #catchUp} once at start (it reads the whole list), then periodically from a worker
 * thread, never per request. A faster channel (a pub/sub message) may call it as soon as it hears of a
 * revocation; the periodic call remains the fallback while that channel is down.
 */
public final class DenylistReplica implements Denylist {
  /** Entries asked for per store call: bounds one answer, not the catch-up, which reads on until done. */
  static final int PAGE = 1_000;

  private final InMemoryDenylist memory;
  private final RevocationStore store;
  private final InstantSource clock;
  private final int page;
  private final ReentrantLock catchingUp = new ReentrantLock();
  private volatile long lastSequence;
  private volatile Instant lastCatchUp;

  public DenylistReplica(RevocationStore store, InstantSource clock) {
    this(store, clock, PAGE);
  }

  DenylistReplica(RevocationStore store, InstantSource clock, int page) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.memory = new InMemoryDenylist(clock);
    if (page < 1) {
      throw new IllegalArgumentException("page must be positive");
    }
    this.page = page;
  }

  @Override
  public boolean isRevoked(String id) {
    return memory.isRevoked(id);
  }

  /** Blocking: writes to the store before the entry takes effect in memory. */
  @Override
  public void revoke(String id, Instant until) {
    store.save(id, until);
    memory.revoke(id, until);
  }

  /**
   * Blocking: applies every entry saved after {@link #lastSequence()}, page by page, until the store
   * has no more. Concurrent calls run one after the other. When the store fails part way, the entries
   * read so far stay applied and the next call goes on from there.
   *
   * @return how many entries were read
   * @throws dev.keycard.core.StoreUnavailableException when the store cannot answer
   */
  public int catchUp() {
    catchingUp.lock();
    try {
      Instant started = clock.instant();
      int read = 0;
      List<Revocation> entries;
      do {
        entries = store.revokedAfter(lastSequence, page);
        for (Revocation r : entries) {
          if (r.until().isAfter(started)) {
            memory.add(r.id(), r.until());
          }
          lastSequence = r.sequence();
        }
        read += entries.size();
      } while (entries.size() == page);
      memory.sweep();
      // Everything saved (and committed) before this instant is now known here.
      lastCatchUp = started;
      return read;
    } finally {
      catchingUp.unlock();
    }
  }

  /** The sequence of the last entry read from the store; 0 before the first. */
  public long lastSequence() {
    return lastSequence;
  }

  /**
   * When the last successful {@link #catchUp} began: every revocation saved before then, by any
   * instance, is known here. Empty until the first one succeeded.
   */
  public Optional<Instant> lastCatchUp() {
    return Optional.ofNullable(lastCatchUp);
  }

  /** How many entries memory holds (expired ones included until the next sweep). */
  public int size() {
    return memory.size();
  }
}
