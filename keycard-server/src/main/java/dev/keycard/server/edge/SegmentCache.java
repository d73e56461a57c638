package dev.keycard.server.edge;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keycard.server.stream.OriginReply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Media segments at the edge, keyed by path (never by the signature: every viewer's URL differs, the
 * bytes do not), bounded by their total size. A miss asks the origin once: concurrent requests for the
 * same path share the pending fetch (Caffeine's {@link AsyncCache} holds the future, not the value),
 * so a thousand viewers arriving at a fresh segment cost the origin one request. Only segments are
 * kept; a "not found" or "offline" answer is dropped as soon as it arrives so it is asked again.
 *
 * <p>Segments are copied off the heap once when they enter the cache: Netty writes a heap buffer to a
 * socket by first copying it into a direct buffer, on every request; a direct buffer goes out as is.
 * The direct memory is freed by the garbage collector once an evicted segment is no longer being
 * written (the JDK's {@link ByteBuffer#allocateDirect} cleaner), so it stays bounded by the cache size
 * plus the segments in flight.
 *
 * <p>A segment stays until evicted or replaced (the origin says so through {@code onChange}), or,
 * from an origin that cannot say so, for the life it gives ({@code Origin.segmentLife()}), timed by
 * the injected clock.
 *
 * <p>Maintenance (eviction) runs on the calling thread: it is a few map operations, and an event
 * loop must not hand work to the common pool only to wait for it.
 */
final class SegmentCache {
  private final AsyncCache<String, OriginReply> cache;
  private final long maxBytes;

  SegmentCache(long maxBytes) {
    this(maxBytes, Optional.empty(), Ticker.systemTicker(), null);
  }

  /**
   * @param life   how long a segment may be served after it was fetched; empty: until evicted or invalidated
   * @param ticker what times that life
   * @param meters where its hits, misses and evictions are counted ({@code cache.gets{cache="edge.segments"}}),
   *               or {@code null}
   */
  SegmentCache(long maxBytes, Optional<Duration> life, Ticker ticker, MeterRegistry meters) {
    if (maxBytes < 1024 * 1024) {
      throw new IllegalArgumentException("--edge-cache-mib must be at least 1");
    }
    this.maxBytes = maxBytes;
    Caffeine<String, OriginReply> builder = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String path, OriginReply reply) -> reply instanceof OriginReply.Found f ? f.weight() : 0)
        .executor(Runnable::run)
        .ticker(ticker);
    if (life.isPresent()) {
      builder = builder.expireAfter(Expiry.creating((String path, OriginReply reply) -> life.get()));
    }
    if (meters != null) {
      builder = builder.recordStats();
    }
    this.cache = builder.buildAsync();
    if (meters != null) {
      CaffeineCacheMetrics.monitor(meters, cache, "edge.segments");
    }
  }

  /**
   * The cached segment, or the pending or new fetch of {@code path} by {@code fill}. A fetch that
   * fails completes with {@code null} (the origin could not be reached), logged once by
   * {@link Edge#originFailed}: a failed load would otherwise be logged again by Caffeine, with its
   * stack trace, for every viewer while an origin is down.
   */
  CompletableFuture<OriginReply> get(String path, Supplier<CompletionStage<OriginReply>> fill) {
    CompletableFuture<OriginReply> reply = cache.get(path, (key, executor) -> fill.get().toCompletableFuture()
        .handle((found, failure) -> {
          if (failure != null) {
            Edge.originFailed(failure);
            return null;
          }
          return offHeap(found);
        }));
    if (reply.isDone()) {
      dropUnlessFound(path, reply);
    } else {
      reply.whenComplete((r, e) -> dropUnlessFound(path, reply));
    }
    return reply;
  }

  void invalidate(String path) {
    cache.synchronous().invalidate(path);
  }

  /** Bytes held now, after pending evictions. */
  long weightedSize() {
    cache.synchronous().cleanUp();
    return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  long maxBytes() {
    return maxBytes;
  }

  private static OriginReply offHeap(OriginReply reply) {
    if (!(reply instanceof OriginReply.Found found)) {
      return reply;
    }
    Buffer body = found.body();
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length());
    direct.put(body.getBytes()).flip();
    return new OriginReply.Found(BufferInternal.buffer(Unpooled.wrappedBuffer(direct)), found.type());
  }

  private void dropUnlessFound(String path, CompletableFuture<OriginReply> reply) {
    if (!(reply.getNow(null) instanceof OriginReply.Found)) {
      cache.asMap().remove(path, reply);
    }
  }
}
