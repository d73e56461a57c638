package dev.keycard.core.testing;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A revocation store for tests; saves are synchronized, so sequence numbers become visible in order.
 * Several replicas (instances) may share one.
 */
public final class InMemoryRevocationStore implements RevocationStore {
  private final ConcurrentSkipListMap<Long, Revocation> bySequence = new ConcurrentSkipListMap<>();
  private long last;

  @Override
  public synchronized void save(String id, Instant until) {
    last++;
    bySequence.put(last, new Revocation(last, id, until));
  }

  @Override
  public List<Revocation> revokedAfter(long sequence, int max) {
    return bySequence.tailMap(sequence, false).values().stream().limit(max).toList();
  }

  @Override
  public synchronized int purgeExpired(Instant before) {
    int n = bySequence.size();
    bySequence.values().removeIf(r -> r.until().isBefore(before));
    return n - bySequence.size();
  }
}
