package dev.keycard.core.revocation;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-process denylist: a concurrent map from id to expiry in epoch milliseconds. Expired
 * entries are swept on writes, so the map holds at most the revocations of one token lifetime.
 */
public final class InMemoryDenylist implements Denylist {
  private final ConcurrentHashMap<String, Long> entries = new ConcurrentHashMap<>();
  private final InstantSource clock;

  public InMemoryDenylist(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public boolean isRevoked(String id) {
    if (id == null || entries.isEmpty()) {
      return false;
    }
    Long until = entries.get(id);
    return until != null && until > clock.millis();
  }

  @Override
  public void revoke(String id, Instant until) {
    sweep();
    add(id, until);
  }

  /** Adds an entry without sweeping: for many entries at once, followed by one {@link #sweep()}. */
  public void add(String id, Instant until) {
    entries.merge(id, until.toEpochMilli(), Math::max);
  }

  /** Forgets the entries that have expired. */
  public void sweep() {
    long now = clock.millis();
    entries.values().removeIf(expiry -> expiry <= now);
  }

  public int size() {
    return entries.size();
  }
}
