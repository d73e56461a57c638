package dev.keycard.server.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams this server knows: the ones in the {@link StreamStore} and the built-in ones (the demo
 * stream). Lookups come from memory, so the edge and ingest check a stream id on the event loop;
 * {@link #register}, {@link #confirm} and {@link #reload} touch the store and block.
 *
 * <p>A stream added by another process ({@code keycard streams add} while the server runs) is not in
 * memory yet: ingest asks {@link #presence} and, when the answer is {@link Presence#UNCERTAIN}, asks
 * the store through {@link #confirm} on a worker, so the stream is publishable at once rather than
 * after the next periodic {@code reload}. A miss is remembered for {@link #MISS_MEMORY}, so a flood
 * of requests for a stream that does not exist costs the database one query per id and second.
 */
public final class StreamRegistry {
  /** How long a store lookup that found nothing is trusted. */
  public static final Duration MISS_MEMORY = Duration.ofSeconds(1);
  private static final int MAX_MISSES = 10_000;

  /** What memory alone can tell about a stream id. */
  public enum Presence {
    REGISTERED,
    /** The store was asked less than {@link #MISS_MEMORY} ago and had no such stream. */
    UNREGISTERED,
    /** Not in memory: only the store can tell ({@link #confirm}). */
    UNCERTAIN
  }

  private final StreamStore store;
  private final InstantSource clock;
  private final Set<StreamId> stored = ConcurrentHashMap.newKeySet();
  private final Set<StreamId> builtIn = ConcurrentHashMap.newKeySet();
  private final Cache<StreamId, Instant> misses = Caffeine.newBuilder().maximumSize(MAX_MISSES).build();

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
    misses.invalidate(id);
    return added ? Registration.ADDED : Registration.ALREADY_REGISTERED;
  }

  /** A stream this process serves itself, never stored. */
  void addBuiltIn(StreamId id) {
    builtIn.add(id);
  }

  /** Every stream known in memory, built-in and stored, by id; memory only. */
  public List<StreamId> registered() {
    List<StreamId> all = new ArrayList<>(builtIn);
    for (StreamId id : stored) {
      if (!builtIn.contains(id)) {
        all.add(id);
      }
    }
    all.sort(Comparator.comparing(StreamId::value));
    return all;
  }

  public boolean isRegistered(StreamId id) {
    return builtIn.contains(id) || stored.contains(id);
  }

  public boolean isBuiltIn(StreamId id) {
    return builtIn.contains(id);
  }

  /** Memory only, safe on an event loop. */
  public Presence presence(StreamId id) {
    if (isRegistered(id)) {
      return Presence.REGISTERED;
    }
    Instant missedAt = misses.getIfPresent(id);
    return missedAt != null && clock.instant().isBefore(missedAt.plus(MISS_MEMORY))
        ? Presence.UNREGISTERED : Presence.UNCERTAIN;
  }

  /** Blocking: asks the store whether {@code id} is registered, and remembers the answer. */
  public boolean confirm(StreamId id) {
    if (isRegistered(id)) {
      return true;
    }
    if (store.exists(id)) {
      stored.add(id);
      misses.invalidate(id);
      return true;
    }
    misses.put(id, clock.instant());
    return false;
  }
}
