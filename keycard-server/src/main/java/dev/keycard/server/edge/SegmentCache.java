package dev.keycard.server.edge;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keycard.server.stream.OriginReply;
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
 * <p>A segment enters the cache as an unlinked file ({@link SegmentFiles}), written once on a worker
 * thread, and is sent from there with {@code sendfile} on every hit. The cache holds one reference to
 * each file and gives it back when the segment leaves (evicted, replaced, expired); the file closes
 * once the responses still sending it are done too.
 *
 * <p>A segment stays until evicted or replaced (the origin says so through {@code onChange}), or,
 * from an origin that cannot say so, for the life it gives ({@code Origin.segmentLife()}), timed by
 * the injected clock.
 *
 * <p>Maintenance (eviction) runs on the calling thread: it is a few map operations, and an event
 * loop must not hand work to the common pool only to wait for it.
 */
final class SegmentCache {
  private final AsyncCache<String, CachedReply> cache;
  private final SegmentFiles files;
  private final long maxBytes;

  /**
   * @param files  makes what is kept of an origin's answer
   * @param life   how long a segment may be served after it was fetched; empty: until evicted or invalidated
   * @param ticker what times that life
   */
  SegmentCache(long maxBytes, SegmentFiles files, Optional<Duration> life, Ticker ticker) {
    if (maxBytes < 1024 * 1024) {
      throw new IllegalArgumentException("--edge-cache-mib must be at least 1");
    }
    this.maxBytes = maxBytes;
    this.files = files;
    Caffeine<String, CachedReply> builder = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String path, CachedReply reply) -> (int) Math.min(Integer.MAX_VALUE, reply.bytes()))
        .removalListener((String path, CachedReply reply, RemovalCause cause) -> {
          if (reply instanceof SegmentFile file) {
            file.release();
          }
        })
        .executor(Runnable::run)
        .ticker(ticker);
    if (life.isPresent()) {
      builder = builder.expireAfter(Expiry.creating((String path, CachedReply reply) -> life.get()));
    }
    this.cache = builder.buildAsync();
  }

  /**
   * The cached segment, or the pending or new fetch of {@code path} by {@code fill}. A fetch that
   * fails completes with {@code null} (the origin could not be reached), logged once by
   * {@link Edge#originFailed}: a failed load would otherwise be logged again by Caffeine, with its
   * stack trace, for every viewer while an origin is down.
   */
  CompletableFuture<CachedReply> get(String path, Supplier<CompletionStage<OriginReply>> fill) {
    CompletableFuture<CachedReply> reply = cache.get(path, (key, executor) -> fill.get().toCompletableFuture()
        .handle((found, failure) -> {
          if (failure != null) {
            Edge.originFailed(failure);
            return null;
          }
          return found;
        })
        .thenCompose(found -> found == null ? CompletableFuture.completedFuture(null) : files.keep(found)));
    if (reply.isDone()) {
      dropUnlessSegment(path, reply);
    } else {
      reply.whenComplete((r, e) -> dropUnlessSegment(path, reply));
    }
    return reply;
  }

  void invalidate(String path) {
    cache.synchronous().invalidate(path);
  }

  /** Drops every segment (their files close once no response is sending them). */
  void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** Bytes held now, after pending evictions. */
  long weightedSize() {
    cache.synchronous().cleanUp();
    return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  long maxBytes() {
    return maxBytes;
  }

  private void dropUnlessSegment(String path, CompletableFuture<CachedReply> reply) {
    CachedReply r = reply.getNow(null);
    if (!(r instanceof SegmentFile || r instanceof CachedReply.InMemory)) {
      cache.asMap().remove(path, reply);
    }
  }
}
