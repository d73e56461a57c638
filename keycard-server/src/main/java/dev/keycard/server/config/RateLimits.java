package dev.keycard.server.config;

import dev.keycard.core.ratelimit.RatePolicies;
import java.util.Objects;

/**
 * The per-token rate limits ({@code --rate-limit}, {@code --rate-limit-for}): which budget each
 * verified token spends on the protected routes. Shared through Redis with {@code --redis-url}.
 *
 * @param policies the global policy and the per-client and per-scope overrides
 */
public record RateLimits(RatePolicies policies) {
  public RateLimits {
    Objects.requireNonNull(policies, "policies");
  }

  /** 1,000 requests per hour per login session (per client for client-credentials tokens). */
  public static RateLimits defaults() {
    return new RateLimits(RatePolicies.DEFAULTS);
  }
}
