package dev.keycard.core.testing;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/** A {@link StreamStore} in memory, for tests that need no database. */
public final class InMemoryStreamStore implements StreamStore {
  private final Set<String> ids = new ConcurrentSkipListSet<>();

  @Override
  public boolean add(StreamId id, Instant createdAt) {
    return ids.add(id.value());
  }

  @Override
  public List<StreamId> all() {
    return ids.stream().map(StreamId::new).toList();
  }
}
