package dev.keycard.server.stream;

import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams this server knows: the ones in the {@link StreamStore} and the built-in ones (the demo
 * stream). Lookups come from memory, so the edge and ingest check a stream id on the event loop;
 * {@link #register} and {@link #reload} touch the store and block. {@code reload} runs periodically,
 * so a stream added with {@code keycard streams add} while the server runs is picked up.
 */
public final class StreamRegistry {
  private final StreamStore store;
  private final InstantSource clock;
  private final Set<StreamId> stored = ConcurrentHashMap.newKeySet();
  private final Set<StreamId> builtIn = ConcurrentHashMap.newKeySet();

  public StreamRegistry(StreamStore store, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Blocking: reads every registered id from the store. */
  public void reload() {
    stored.addAll(store.all());
  }

  /** Blocking: writes to the store first, so a registration that was answered survives a restart. */
  public Registration register(StreamId id) {
    if (builtIn.contains(id) || stored.contains(id)) {
      return Registration.ALREADY_REGISTERED;
    }
    boolean added = store.add(id, clock.instant());
    stored.add(id);
    return added ? Registration.ADDED : Registration.ALREADY_REGISTERED;
  }

  /** A stream this process serves itself, never stored. */
  void addBuiltIn(StreamId id) {
    builtIn.add(id);
  }

  public boolean isRegistered(StreamId id) {
    return builtIn.contains(id) || stored.contains(id);
  }

  public boolean isBuiltIn(StreamId id) {
    return builtIn.contains(id);
  }
}
