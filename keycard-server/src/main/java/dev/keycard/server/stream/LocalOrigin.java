package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The origin inside this process: what encoders {@code PUT} at {@code /ingest/...}, kept per stream
 * in a {@link LiveStream} window, and the built-in {@link DemoStream}. Reads and writes are memory
 * operations, safe on an event loop.
 */
public final class LocalOrigin implements Origin {
  private final StreamRegistry registry;
  private final DemoStream demo;
  private final InstantSource clock;
  private final ConcurrentHashMap<StreamId, LiveStream> streams = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** @param demo the built-in demo stream, or {@code null} when it is disabled */
  public LocalOrigin(StreamRegistry registry, DemoStream demo, InstantSource clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.demo = demo;
    if (demo != null) {
      registry.addBuiltIn(DemoStream.ID);
    }
  }

  /** How many streams are live now (their playlists keep being updated), the built-in demo included. */
  public int liveStreams() {
    Instant now = clock.instant();
    int live = demo == null ? 0 : 1;
    for (LiveStream stream : streams.values()) {
      if (stream.isLive(now)) {
        live++;
      }
    }
    return live;
  }

  /** Whether {@code stream} is live here now (the built-in demo always is); memory only. */
  public boolean isLive(StreamId stream) {
    if (demo != null && stream.equals(DemoStream.ID)) {
      return true;
    }
    LiveStream live = streams.get(stream);
    return live != null && live.isLive(clock.instant());
  }

  public StreamRegistry registry() {
    return registry;
  }

  public IngestOutcome put(StreamId stream, String file, MediaType type, Buffer body) {
    IngestOutcome refused = refusal(stream);
    if (refused != null) {
      return refused;
    }
    boolean replaced = window(stream).put(file, type, body, clock.instant());
    return replaced ? IngestOutcome.REPLACED : IngestOutcome.CREATED;
  }

  public IngestOutcome delete(StreamId stream, String file) {
    IngestOutcome refused = refusal(stream);
    if (refused != null) {
      return refused;
    }
    LiveStream live = streams.get(stream);
    return live != null && live.delete(file) ? IngestOutcome.DELETED : IngestOutcome.ABSENT;
  }

  /** The file as the origin holds it now; memory only. */
  public OriginReply read(StreamId stream, String file) {
    if (!registry.isRegistered(stream)) {
      return OriginReply.UNKNOWN_STREAM;
    }
    if (demo != null && stream.equals(DemoStream.ID)) {
      return demo.read(file);
    }
    LiveStream live = streams.get(stream);
    return live == null ? OriginReply.OFFLINE : live.read(file, clock.instant());
  }

  @Override
  public CompletionStage<OriginReply> fetch(StreamId stream, String file) {
    return CompletableFuture.completedFuture(read(stream, file));
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Segments held for {@code stream} right now (for tests and metrics). */
  public int segmentCount(StreamId stream) {
    LiveStream live = streams.get(stream);
    return live == null ? 0 : live.segmentCount();
  }

  /** Bytes of segments held for {@code stream} right now. */
  public long bytes(StreamId stream) {
    LiveStream live = streams.get(stream);
    return live == null ? 0 : live.bytes();
  }

  private IngestOutcome refusal(StreamId stream) {
    if (!registry.isRegistered(stream)) {
      return IngestOutcome.UNKNOWN_STREAM;
    }
    if (demo != null && stream.equals(DemoStream.ID)) {
      return IngestOutcome.BUILT_IN;
    }
    return null;
  }

  private LiveStream window(StreamId stream) {
    return streams.computeIfAbsent(stream, id -> new LiveStream(file -> {
      String path = id.livePrefix() + file;
      for (Consumer<String> listener : listeners) {
        listener.accept(path);
      }
    }));
  }
}
