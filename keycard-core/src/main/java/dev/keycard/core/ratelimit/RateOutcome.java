package dev.keycard.core.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * A {@link RateLimiter}'s answer: a decision now (the usual case, and always for local buckets), or,
 * for a shared budget close to its end, one that needs a round trip to the shared store first.
 */
public sealed interface RateOutcome permits RateDecision, RateOutcome.Later {
  /**
   * A decision that needs the shared store; the stage always completes normally (a store that fails
   * or is slow is answered from local buckets), and may complete on a thread of the store's client.
   */
  record Later(CompletionStage<RateDecision> decision) implements RateOutcome {}
}
