package dev.keycard.core.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link AttemptCounters} in this process: the embedded default, and the fallback of a shared backend
 * that is down. Memory is bounded twice: an entry goes when its window ends, and at most
 * {@code maxKeys} are kept (the least recently used go first), so a flood of made-up user names or
 * addresses cannot grow the heap.
 */
public final class InMemoryAttemptCounters implements AttemptCounters {
  private record Window(long count, Instant endsAt) {}

  private final InstantSource clock;
  private final Cache<String, Window> windows;

  public InMemoryAttemptCounters(InstantSource clock, long maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1");
    }
    this.clock = clock;
    this.windows = Caffeine.newBuilder()
        .maximumSize(maxKeys)
        .expireAfter(Expiry.<String, Window>writing((key, w) -> positive(Duration.between(clock.instant(), w.endsAt()))))
        .build();
  }

  @Override
  public CompletionStage<Attempts> hit(String key, long limit, Duration window) {
    Instant now = clock.instant();
    Attempts[] out = new Attempts[1];
    windows.asMap().compute(key, (k, w) -> {
      if (w == null || !now.isBefore(w.endsAt())) {
        w = null;
      }
      if (w != null && w.count() >= limit) {
        out[0] = new Attempts(w.count(), true, Duration.between(now, w.endsAt()));
        return w;
      }
      Window next = w == null ? new Window(1, now.plus(window)) : new Window(w.count() + 1, w.endsAt());
      out[0] = new Attempts(next.count(), false, Duration.between(now, next.endsAt()));
      return next;
    });
    return CompletableFuture.completedFuture(out[0]);
  }

  @Override
  public CompletionStage<Attempts> peek(String key) {
    Instant now = clock.instant();
    Window w = windows.getIfPresent(key);
    if (w == null || !now.isBefore(w.endsAt())) {
      return CompletableFuture.completedFuture(Attempts.NONE);
    }
    return CompletableFuture.completedFuture(new Attempts(w.count(), false, Duration.between(now, w.endsAt())));
  }

  @Override
  public CompletionStage<Void> release(String key) {
    windows.asMap().computeIfPresent(key, (k, w) -> w.count() <= 1 ? null : new Window(w.count() - 1, w.endsAt()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> reset(String key) {
    windows.invalidate(key);
    return CompletableFuture.completedFuture(null);
  }

  /** Keys held now (tests of the memory bound). */
  public long size() {
    windows.cleanUp();
    return windows.estimatedSize();
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
