package dev.keycard.core.throttle;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Counters of attempts (failed logins, failed client authentications) per key, each in a fixed window
 * that starts at its first attempt and ends {@code window} later, when the key is forgotten. Shared
 * by all instances when it lives in Redis, kept in process otherwise.
 *
 * <p>Asynchronous so that a caller on an event loop never waits for a network round trip; an
 * implementation that cannot reach its backend answers from a local fallback rather than failing.
 */
public interface AttemptCounters extends AutoCloseable {

  /** A key's count after the operation, and how long until its window ends ({@link Duration#ZERO} when it has none). */
  record Attempts(long count, boolean refused, Duration resetsIn) {
    public static final Attempts NONE = new Attempts(0, false, Duration.ZERO);
  }

  /**
   * Counts one attempt under {@code key}, atomically, unless it already holds {@code limit} or more:
   * then nothing is counted and the answer is refused. The first attempt starts the key's window.
   */
  CompletionStage<Attempts> hit(String key, long limit, Duration window);

  /** The key's count without counting. */
  CompletionStage<Attempts> peek(String key);

  /** Takes back one attempt (one counted by {@link #hit} that turned out not to be a failure). */
  CompletionStage<Void> release(String key);

  /** Forgets the key. */
  CompletionStage<Void> reset(String key);

  @Override
  default void close() {}
}
