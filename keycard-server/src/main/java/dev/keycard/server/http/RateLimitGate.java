package dev.keycard.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RateDecision;
import dev.keycard.core.ratelimit.RateLimiter;
import dev.keycard.core.ratelimit.RateOutcome;
import dev.keycard.core.ratelimit.RatePartition;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.ratelimit.SharedRateLimiter;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.Services;
import dev.keycard.server.config.RateLimits;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-token rate limit in front of the protected routes, after the bearer check: spends one
 * request of the token's budget, writes the {@code RateLimit-Policy} and {@code RateLimit} fields on
 * the answer, and refuses a request over the limit with 429, {@code Retry-After} and a
 * {@code quota-exceeded} problem. The decision is taken on the event loop; the only wait is a
 * shared budget's last requests of a window, decided by Redis, answered back on the event loop.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10">draft-ietf-httpapi-ratelimit-headers-10</a>
 */
public final class RateLimitGate {
  /** The draft's problem type for a request over its quota (§ Problem Types). */
  static final String QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded";
  static final String PROBLEM_JSON = "application/problem+json";
  // Names made once as Netty ASCII strings: every rate-limited answer carries both fields.
  static final CharSequence POLICY_FIELD = HttpHeaders.createOptimized("RateLimit-Policy");
  static final CharSequence RATE_LIMIT_FIELD = HttpHeaders.createOptimized("RateLimit");
  /** The {@code error} of a 429's body, as every error body of ours has one. */
  static final String RATE_LIMITED = "rate_limited";

  private static final Logger log = LoggerFactory.getLogger(RateLimitGate.class);
  /**
   * One audit memory per limiter, that is per server: each of its event loops has a gate of its own,
   * and a budget must still be audited once, not once per event loop. Weak, identity keys.
   */
  private static final Cache<RateLimiter, Cache<String, Long>> AUDITED = Caffeine.newBuilder().weakKeys().build();

  private final RateLimiter limiter;
  private final Monitoring monitoring;
  private final ClientAddresses clientAddresses;
  private final Counter limitedSessions;
  private final Counter limitedClients;
  /** Budgets already audited as exhausted in their current window: one event per budget and window. */
  private final Cache<String, Long> audited;

  RateLimitGate(Services services) {
    this.limiter = services.rateLimiter();
    this.monitoring = services.monitoring();
    this.clientAddresses = services.clientAddresses();
    this.limitedSessions = limitedCounter(monitoring, RatePartition.SESSION);
    this.limitedClients = limitedCounter(monitoring, RatePartition.CLIENT);
    this.audited = AUDITED.get(limiter,
        l -> Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofDays(1)).<String, Long>build());
  }

  private static Counter limitedCounter(Monitoring monitoring, String policy) {
    return Counter.builder("keycard.ratelimit.limited")
        .description("Requests refused with 429 by the per-token rate limit")
        .tag("policy", policy)
        .register(monitoring.meters());
  }

  /**
   * The limiter the configuration asks for: none when the limits are off, shared budgets when there
   * are some (Redis), else local buckets; registers the fallback gauge and logs (once per outage)
   * when shared limits fall back to local buckets.
   */
  public static RateLimiter limiter(RateLimits limits, SharedBudgets shared, InstantSource clock, Monitoring monitoring) {
    RateLimiter limiter;
    if (limits.policies().off()) {
      limiter = RateLimiter.OFF;
    } else if (shared == null) {
      limiter = new LocalRateLimiter(limits.policies(), clock);
    } else {
      limiter = new SharedRateLimiter(limits.policies(), shared, clock, down -> {
        if (down) {
          log.warn("rate limits: {} is unreachable; each instance now counts on local buckets until it is back", shared);
        } else {
          log.info("rate limits: {} is back; budgets are shared again", shared);
        }
      });
    }
    log.info("rate limits: {}{} per {}", limits.policies().global() == null ? "off" : limits.policies().global().format(),
        limits.policies().overrides().isEmpty() ? "" : " (" + limits.policies().overrides().size() + " overrides)",
        shared == null ? "session or client, local buckets" : "session or client, shared through " + shared);
    RateLimiter registered = limiter;
    Gauge.builder("keycard.ratelimit.fallback", () -> registered.fallingBack() ? 1 : 0)
        .description("1 while the shared rate limits are unreachable and local buckets decide, else 0")
        .register(monitoring.meters());
    return limiter;
  }

  /** Spends one request of {@code token}'s budget, then calls {@code then}, or answers 429. */
  void check(RoutingContext ctx, AccessToken token, BiConsumer<RoutingContext, AccessToken> then) {
    switch (limiter.decide(token)) {
      case RateDecision d -> apply(ctx, token, d, then);
      case RateOutcome.Later later -> {
        Context context = Vertx.currentContext(); // the request's event loop: answered there
        later.decision().whenComplete((d, failure) -> context.runOnContext(v -> {
          // The stage never fails (a failing store is answered from local buckets); allowed if it did.
          apply(ctx, token, d == null ? RateDecision.UNLIMITED : d, then);
        }));
      }
    }
  }

  /** Spends one request of {@code token}'s budget for a refusal after the token was verified (403). */
  void spend(RoutingContext ctx, AccessToken token) {
    if (limiter.decide(token) instanceof RateDecision d) { // a shared budget's last requests: not worth a wait here
      fields(ctx, d);
    }
  }

  private void apply(RoutingContext ctx, AccessToken token, RateDecision d, BiConsumer<RoutingContext, AccessToken> then) {
    fields(ctx, d);
    if (d.allowed()) {
      then.accept(ctx, token);
    } else {
      refuse(ctx, token, d);
    }
  }

  private static void fields(RoutingContext ctx, RateDecision d) {
    if (d.policy() != null && !ctx.response().headWritten()) {
      ctx.response().putHeader(POLICY_FIELD, d.policyField()).putHeader(RATE_LIMIT_FIELD, d.rateLimitField());
    }
  }

  private void refuse(RoutingContext ctx, AccessToken token, RateDecision d) {
    (RatePartition.SESSION.equals(d.partition().policyName()) ? limitedSessions : limitedClients).increment();
    audit(ctx, token, d);
    Responses.noStore(ctx);
    // At least one second: Retry-After 0 would invite an immediate retry that is refused again.
    long retryAfter = Math.max(1, d.resetSeconds());
    JsonObject problem = new JsonObject()
        .put("type", QUOTA_EXCEEDED)
        .put("title", "Request cannot be satisfied as assigned quota has been exceeded")
        .put("status", 429)
        .put("detail", "This " + d.partition().policyName() + "'s quota of " + d.policy().quota() + " requests per "
            + d.policy().windowSeconds() + " s is spent; it comes back in " + retryAfter + " s")
        .put("violated-policies", new JsonArray().add(d.partition().policyName()))
        .put("error", RATE_LIMITED);
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(429)
        .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
        .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .end(problem.encode());
  }

  /**
   * One {@code rate.limited} event per budget and window, however many requests are refused: a
   * client hammering a spent budget must not flood the audit trail.
   */
  private void audit(RoutingContext ctx, AccessToken token, RateDecision d) {
    String key = d.partition().key();
    ConcurrentMap<String, Long> windows = audited.asMap();
    Long windowEnd = windows.get(key);
    if (windowEnd != null && windowEnd > d.atMillis()) {
      return;
    }
    // Of two event loops refusing the same budget at once, only the one that swaps the window records.
    boolean first = windowEnd == null
        ? windows.putIfAbsent(key, d.resetAtMillis()) == null
        : windows.replace(key, windowEnd, d.resetAtMillis());
    if (!first) {
      return;
    }
    monitoring.audit().record(AuditEvent.of(Instant.ofEpochMilli(d.atMillis()), AuditAction.RATE_LIMITED, "refused")
        .withReason("quota_exceeded")
        .withSubject(token.subject())
        .withClient(token.clientId())
        .withSession(token.sessionId())
        .withTokenId(token.tokenId())
        .withClientIp(clientAddresses.of(ctx.request()))
        .withDetails(Map.of("policy", d.partition().policyName(), "quota", Long.toString(d.policy().quota()),
            "window_seconds", Long.toString(d.policy().windowSeconds()))));
  }
}
