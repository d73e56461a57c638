package dev.keycard.core.stream;

import java.time.Instant;
import java.util.List;

/** Where registered stream ids are kept. Blocking: call it from a worker thread. */
public interface StreamStore {

  /** Registers {@code id}; {@code false} when it was already registered. */
  boolean add(StreamId id, Instant createdAt);

  /** Every registered id, in id order. */
  List<StreamId> all();

  /** Whether {@code id} is registered; stores with many streams answer without listing them all. */
  default boolean exists(StreamId id) {
    return all().contains(id);
  }
}
