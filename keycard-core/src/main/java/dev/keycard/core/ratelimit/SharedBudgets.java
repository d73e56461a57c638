package dev.keycard.core.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Rate-limit budgets shared by every instance of a deployment (Redis when scaled out). Each call is
 * one round trip; {@link SharedRateLimiter} decides which requests need one. Implementations
 * complete exceptionally when the store is unreachable; they never block the caller.
 */
public interface SharedBudgets extends AutoCloseable {
  /**
   * A budget's state after a call.
   *
   * @param consumed     whether the tokens asked for were taken (for {@link #consume}: at least one)
   * @param remaining    tokens left in the window
   * @param nanosToReset time until the whole quota is back
   */
  record Budget(boolean consumed, long remaining, long nanosToReset) {}

  /** Takes as many of {@code tokens} as the budget has left (requests already allowed here). */
  CompletionStage<Budget> consume(String key, RatePolicy policy, long tokens);

  /** Takes one token if there is one: the exact decision near the end of a budget. */
  CompletionStage<Budget> tryConsume(String key, RatePolicy policy);

  /** Completes normally when the store answers (used to notice that it is back). */
  CompletionStage<Void> ping();

  @java.lang.Override
  void close();
}
