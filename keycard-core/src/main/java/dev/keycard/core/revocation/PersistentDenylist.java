package dev.keycard.core.revocation;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The embedded default: lookups from memory, revocations written to a durable store first, so a
 * revocation that was acknowledged survives a restart or a killed process. {@link #load()} at start
 * brings back every entry still in force.
 */
public final class PersistentDenylist implements Denylist {
  private final InMemoryDenylist memory;
  private final RevocationStore store;
  private final InstantSource clock;

  public PersistentDenylist(RevocationStore store, InstantSource clock) {
    this.memory = new InMemoryDenylist(clock);
    this.store = store;
    this.clock = clock;
  }

  /** Loads the entries still in force; returns how many. */
  public int load() {
    var active = store.active(clock.instant());
    active.forEach(memory::revoke);
    return active.size();
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
}
