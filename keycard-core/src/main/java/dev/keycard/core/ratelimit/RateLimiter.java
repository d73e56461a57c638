package dev.keycard.core.ratelimit;

import dev.keycard.core.token.AccessToken;

/**
 * Spends one request of a verified token's budget (per-token rate limits). Called on the event loop
 * for every protected request: implementations never block and never throw for traffic.
 */
@FunctionalInterface
public interface RateLimiter {
  /** No limits. */
  RateLimiter OFF = token -> RateDecision.UNLIMITED;

  RateOutcome decide(AccessToken token);

  /**
   * Forgets what no longer limits anyone (budgets whose window has passed), so that memory follows
   * the sessions in use; called now and then, off the request path.
   */
  default void prune() {}

  /** Whether the limiter answers from local buckets because its shared store is unreachable. */
  default boolean fallingBack() {
    return false;
  }
}
