package dev.keycard.server.cli;

import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.server.config.RateLimits;
import dev.keycard.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --rate-limit} and {@code --rate-limit-for}: the per-token rate limits. As every option, also
 * {@code KEYCARD_RATE_LIMIT} / {@code KEYCARD_RATE_LIMIT_FOR} and {@code rate-limit=} /
 * {@code rate-limit-for=} in the {@code --config} file (overrides separated by commas there).
 */
final class RateLimitOptions {
  @Option(names = "--rate-limit", paramLabel = "QUOTA/WINDOW", defaultValue = "1000/1h",
      description = "Requests allowed per login session (all access tokens of one refresh-token family share it; "
          + "client-credentials tokens: per client) on the protected API, in a fixed window: QUOTA/WINDOW with "
          + "window units s, m, h, d, or off. Shared by all instances through --redis-url. Default: ${DEFAULT-VALUE}")
  String rateLimit;

  @Option(names = "--rate-limit-for", paramLabel = "KIND:NAME=POLICY", split = ",",
      description = "An override, repeatable (or comma-separated): client:CLIENT_ID=QUOTA/WINDOW for the tokens of "
          + "one client, scope:SCOPE=QUOTA/WINDOW for tokens holding a scope, =off for no limit. The first "
          + "matching override wins, in the order given; else --rate-limit.")
  List<String> overrides = new ArrayList<>();

  /** @throws IllegalArgumentException naming the option and the expected form */
  RateLimits toConfig() {
    RatePolicy global;
    try {
      global = RatePolicy.parse(rateLimit);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--rate-limit: " + e.getMessage());
    }
    List<RatePolicies.Override> parsed = new ArrayList<>();
    for (String o : overrides == null ? List.<String>of() : overrides) {
      if (o.isBlank()) {
        continue;
      }
      try {
        parsed.add(RatePolicies.Override.parse(o));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--rate-limit-for: " + e.getMessage());
      }
    }
    return new RateLimits(new RatePolicies(global, parsed));
  }

  /** {@code config} with these limits. */
  ServerConfig apply(ServerConfig config) {
    return config.withAbuse(config.abuse().withRateLimits(toConfig()));
  }
}
