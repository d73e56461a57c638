package dev.keycard.core.ratelimit;

/**
 * The limit's answer for one request, with what the {@code RateLimit-Policy} and {@code RateLimit}
 * fields say about it.
 *
 * @param allowed      whether the request may proceed
 * @param partition    whose budget it spent (or would have)
 * @param policy       the policy applied, or {@code null} when the token has none ({@link #UNLIMITED})
 * @param policyField  {@code "session";q=1000;w=3600}, or {@code null} for {@link #UNLIMITED}
 * @param remaining    requests left in this window after this one ({@code r})
 * @param resetSeconds seconds until the quota comes back ({@code t}); also the {@code Retry-After} of a refusal
 * @param atMillis     when the decision was taken (the limiter's clock, epoch milliseconds); known for a
 *                     refusal, possibly 0 for an allowed request (its time is not worth a clock read)
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10#section-3">draft -10 §3, §4</a>
 */
public record RateDecision(boolean allowed, RatePartition partition, RatePolicy policy, String policyField,
    long remaining, long resetSeconds, long atMillis) implements RateOutcome {
  /** No policy applies: allowed, and no fields are sent. */
  public static final RateDecision UNLIMITED = new RateDecision(true, null, null, null, 0, 0, 0);

  /**
   * @param policyField {@link #policyField(RatePartition, RatePolicy)}, which a limiter keeps per budget
   * @param atMillis    when it was decided; a limiter may leave it 0 for an allowed request
   */
  static RateDecision of(boolean allowed, RatePartition partition, RatePolicy policy, String policyField,
      long remaining, long nanosToReset, long atMillis) {
    long seconds = Math.max(0, (nanosToReset + 999_999_999L) / 1_000_000_000L);
    return new RateDecision(allowed, partition, policy, policyField, Math.max(0, remaining),
        Math.min(seconds, policy.windowSeconds()), atMillis);
  }

  /** {@code "session";q=1000;w=3600}. */
  static String policyField(RatePartition partition, RatePolicy policy) {
    return '"' + partition.policyName() + "\";q=" + policy.quota() + ";w=" + policy.windowSeconds();
  }

  /** When the quota comes back (epoch milliseconds, the limiter's clock). */
  public long resetAtMillis() {
    return atMillis + resetSeconds * 1000;
  }

  /** {@code "session";r=998;t=3412}, or {@code null} for {@link #UNLIMITED}. */
  public String rateLimitField() {
    return policy == null ? null : '"' + partition.policyName() + "\";r=" + remaining + ";t=" + resetSeconds;
  }
}
