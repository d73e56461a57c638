package dev.keycard.server.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.stream.StreamId;
import java.time.Duration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-stream ingest activity, in memory: uploads accepted, attempts refused, errors. Read back as an
 * {@link IngestStatus} by the API, and logged so an operator sees a refused encoder without asking.
 *
 * <p>Only registered streams get a status, so memory is bounded by the streams in the store and each
 * keeps the {@link #MAX_REFUSALS} newest refusals. Refusals are logged at WARN at most once per
 * stream, kind and reason per {@link #LOG_INTERVAL}, with the count of those left out, so an encoder
 * retrying with a bad key (or someone trying keys) cannot flood the log; refusals for streams that
 * are not registered share one budget. Log lines carry only the stream id (validated), fixed reason
 * codes and key ids: never a key, a token or a path with a key in it. Every method is a few memory
 * operations, safe on an event loop.
 */
public final class IngestActivity {
  private final Counter segmentBytes;
  private final Counter playlistBytes;
  static final int MAX_REFUSALS = 10;
  static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
  /** After this long without an accepted upload, the next one is logged as a (re)start. */
  static final Duration QUIET = Duration.ofSeconds(30);
  private static final int MAX_LOG_BUCKETS = 10_000;
  private static final String UNREGISTERED = "(unregistered)";

  private static final Logger log = LoggerFactory.getLogger(IngestActivity.class);

  private final StreamRegistry registry;
  private final InstantSource clock;
  private final ConcurrentHashMap<StreamId, Tracker> streams = new ConcurrentHashMap<>();
  private final Cache<String, LogWindow> logged = Caffeine.newBuilder().maximumSize(MAX_LOG_BUCKETS).build();

  public IngestActivity(StreamRegistry registry, InstantSource clock) {
    this(registry, clock, new SimpleMeterRegistry());
  }

  /** @param meters where {@code keycard.ingest.bytes} (by {@code type}: segment, playlist) is counted */
  public IngestActivity(StreamRegistry registry, InstantSource clock, MeterRegistry meters) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.segmentBytes = ingestBytes(meters, "segment");
    this.playlistBytes = ingestBytes(meters, "playlist");
  }

  private static Counter ingestBytes(MeterRegistry meters, String type) {
    return Counter.builder("keycard.ingest.bytes").baseUnit("bytes").description("Bytes of media uploads stored")
        .tag("type", type).register(meters);
  }

  /** An upload was stored. */
  public void accepted(StreamId stream, MediaType type, long bytes, String publisher) {
    (type.isPlaylist() ? playlistBytes : segmentBytes).increment(bytes);
    Instant now = clock.instant();
    Tracker t = tracker(stream);
    if (t == null) {
      return;
    }
    boolean started;
    boolean switched;
    synchronized (t) {
      started = t.lastAcceptedAt == null || !now.isBefore(t.lastAcceptedAt.plus(QUIET));
      switched = !started && !publisher.equals(t.publisher);
      t.lastAcceptedAt = now;
      t.publisher = publisher;
      if (type.isPlaylist()) {
        t.lastPlaylistAt = now;
      } else {
        t.lastSegmentAt = now;
        t.segments++;
        t.bytes += bytes;
      }
    }
    if (started) {
      log.info("ingest: stream {} receiving uploads from {}", stream, publisher);
    } else if (switched && leftOut(stream.value() + " publisher", now) >= 0) {
      // Two encoders taking turns would otherwise log every upload.
      log.info("ingest: stream {} now receiving uploads from {}", stream, publisher);
    }
  }

  /**
   * An attempt was refused for its credential (no, bad, revoked or foreign key or token) or its
   * target (an unknown stream); {@code stream} is {@code null} when the path named none.
   */
  public void refused(StreamId stream, String reason, String description) {
    IngestStatus.Event event = new IngestStatus.Event(clock.instant(), reason, description);
    Tracker t = stream == null ? null : tracker(stream);
    if (t != null) {
      synchronized (t) {
        if (t.refused.size() >= MAX_REFUSALS) {
          t.refused.removeLast();
        }
        t.refused.addFirst(event);
      }
    }
    warn(stream, "refused", event);
  }

  /** An upload with a valid credential was refused (bad media, too large, empty). */
  public void failed(StreamId stream, String error, String description) {
    IngestStatus.Event event = new IngestStatus.Event(clock.instant(), error, description);
    Tracker t = tracker(stream);
    if (t != null) {
      synchronized (t) {
        t.lastError = event;
      }
    }
    warn(stream, "failed", event);
  }

  /** The stream's status; {@code live} comes from the origin. */
  public IngestStatus status(StreamId stream, boolean live) {
    Tracker t = streams.get(stream);
    if (t == null) {
      return new IngestStatus(stream, live, null, null, 0, 0, null, List.of(), null);
    }
    synchronized (t) {
      return new IngestStatus(stream, live, t.lastSegmentAt, t.lastPlaylistAt, t.segments, t.bytes, t.publisher,
          List.copyOf(t.refused), t.lastError);
    }
  }

  private Tracker tracker(StreamId stream) {
    if (!registry.isRegistered(stream)) {
      return null;
    }
    return streams.computeIfAbsent(stream, s -> new Tracker());
  }

  private void warn(StreamId stream, String what, IngestStatus.Event event) {
    boolean registered = stream != null && registry.isRegistered(stream);
    String bucket = (registered ? stream.value() : UNREGISTERED) + ' ' + what + ' ' + event.reason();
    int leftOut = leftOut(bucket, event.at());
    if (leftOut < 0) {
      return;
    }
    String more = leftOut == 0 ? "" : "; " + leftOut + " more like it since the last such line";
    log.warn("ingest: {} to stream {}: {} ({}){}", what, stream == null ? "(none)" : stream, event.reason(),
        event.description(), more);
  }

  /**
   * The log budget of {@code bucket}: -1 when a line was logged less than {@link #LOG_INTERVAL} ago
   * (this one is left out and counted); otherwise how many were left out since that line.
   */
  private int leftOut(String bucket, Instant now) {
    int[] leftOut = {-1};
    logged.asMap().compute(bucket, (k, w) -> {
      if (w == null || !now.isBefore(w.since.plus(LOG_INTERVAL))) {
        leftOut[0] = w == null ? 0 : w.leftOut;
        return new LogWindow(now, 0);
      }
      return new LogWindow(w.since, w.leftOut + 1);
    });
    return leftOut[0];
  }

  private static final class Tracker {
    Instant lastSegmentAt;
    Instant lastPlaylistAt;
    Instant lastAcceptedAt;
    long segments;
    long bytes;
    String publisher;
    final Deque<IngestStatus.Event> refused = new ArrayDeque<>();
    IngestStatus.Event lastError;
  }

  private record LogWindow(Instant since, int leftOut) {}
}
