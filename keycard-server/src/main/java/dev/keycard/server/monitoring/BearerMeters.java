package dev.keycard.server.monitoring;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.token.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code keycard.bearer.checks}: every bearer check on a protected route, by {@code outcome}
 * ({@code accepted}, {@code refused}) and {@code reason} (the rejection: {@code expired},
 * {@code bad_signature}, {@code revoked}, ..., or {@code missing_token}, {@code invalid_request},
 * {@code insufficient_scope}; {@code none} when accepted). Every counter is registered up front and
 * found by a map lookup on a constant string: counting allocates nothing on the event loop.
 */
public final class BearerMeters {
  private final Counter accepted;
  private final Counter missing;
  private final Counter invalidRequest;
  private final Counter insufficientScope;
  private final Counter otherInvalidToken;
  /** By the rejection's fixed description, which is what an {@code invalid_token} error carries. */
  private final Map<String, Counter> invalidToken = new HashMap<>();

  public BearerMeters(MeterRegistry meters) {
    accepted = counter(meters, "accepted", "none");
    missing = counter(meters, "refused", "missing_token");
    invalidRequest = counter(meters, "refused", BearerError.INVALID_REQUEST);
    insufficientScope = counter(meters, "refused", BearerError.INSUFFICIENT_SCOPE);
    otherInvalidToken = counter(meters, "refused", BearerError.INVALID_TOKEN);
    for (Rejection r : Rejection.values()) {
      invalidToken.put(r.description(), counter(meters, "refused", r.name().toLowerCase(Locale.ROOT)));
    }
  }

  public void accepted() {
    accepted.increment();
  }

  public void refused(BearerError error) {
    counterOf(error).increment();
  }

  /** The {@code reason} tag a refusal is counted under. */
  public static String reason(BearerError error) {
    if (error.code() == null) {
      return "missing_token";
    }
    if (BearerError.INVALID_TOKEN.equals(error.code())) {
      for (Rejection r : Rejection.values()) {
        if (r.description().equals(error.description())) {
          return r.name().toLowerCase(Locale.ROOT);
        }
      }
    }
    return error.code();
  }

  private Counter counterOf(BearerError error) {
    String code = error.code();
    if (code == null) {
      return missing;
    }
    return switch (code) {
      case BearerError.INVALID_TOKEN -> invalidToken.getOrDefault(error.description(), otherInvalidToken);
      case BearerError.INSUFFICIENT_SCOPE -> insufficientScope;
      default -> invalidRequest;
    };
  }

  private static Counter counter(MeterRegistry meters, String outcome, String reason) {
    return Counter.builder("keycard.bearer.checks")
        .description("Bearer-token checks on protected routes, by outcome and rejection reason")
        .tag("outcome", outcome).tag("reason", reason).register(meters);
  }
}
