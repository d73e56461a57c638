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
    long now = clock.millis();
    entries.values().removeIf(expiry -> expiry <= now);
    entries.merge(id, until.toEpochMilli(), Math::max);
  }

  public int size() {
    return entries.size();
  }
}
