package dev.keycard.server.stream;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.streamlimit.Admission;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The concurrent-stream limit at stream-start: asks the {@link PlaybackActivity} whether the account
 * may start one more playback session, revokes the sessions the {@code evict-oldest} policy cuts off
 * (through the revocation path every edge already follows), and counts and audits both.
 *
 * <p>The account is the token's subject (for client credentials, the client). A playback session is
 * the token's login session ({@code sid}, what the edge's URLs carry), so a device that starts again
 * or renews its playback is the same session.
 */
public final class StreamLimiter {
  /** The {@code reason} of the audit events and of the metric tags. */
  public static final String REASON = "stream_limit";
  private static final Logger log = LoggerFactory.getLogger(StreamLimiter.class);

  private final StreamLimits limits;
  private final PlaybackActivity activity;
  private final Consumer<String> revokeSession;
  private final Monitoring monitoring;
  private final InstantSource clock;
  private final Counter refused;
  private final Counter evictions;

  /**
   * @param revokeSession revokes a login session (its refresh family and every URL of its playback);
   *                      may block: starts run on a worker thread when the limit is on
   */
  public StreamLimiter(StreamLimits limits, PlaybackActivity activity, Consumer<String> revokeSession,
      Monitoring monitoring, InstantSource clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.activity = Objects.requireNonNull(activity, "activity");
    this.revokeSession = Objects.requireNonNull(revokeSession, "revokeSession");
    this.monitoring = Objects.requireNonNull(monitoring, "monitoring");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refused = Counter.builder("keycard.stream.limit.refused")
        .description("Stream starts refused by --max-concurrent-streams").register(monitoring.meters());
    this.evictions = Counter.builder("keycard.stream.limit.evictions")
        .description("Playback sessions revoked by --stream-limit-policy evict-oldest").register(monitoring.meters());
    Gauge.builder("keycard.playback.sessions.active", activity, PlaybackActivity::activeSessions)
        .description("Playback sessions this instance's edge served within --stream-idle-window (viewers)")
        .register(monitoring.meters());
  }

  public boolean enabled() {
    return limits.enabled();
  }

  /**
   * Empty when {@code token} may start {@code sessionId} (after revoking whatever the policy evicts),
   * else the refusal. May block (Redis, the revocation store): call it on a worker thread.
   *
   * @param clientIp the caller's address for the audit trail, or {@code null}
   */
  Optional<StartResult> admit(AccessToken token, String sessionId, StreamId stream, String clientIp) {
    if (!limits.enabled()) {
      return Optional.empty();
    }
    Admission admission = activity.admit(token.subject(), sessionId);
    switch (admission) {
      case Admission.Refused r -> {
        refused.increment();
        monitoring.audit().record(event(AuditAction.STREAM_REFUSED, "refused", token, sessionId, clientIp)
            .withDetails(Map.of("stream_id", stream.value(), "limit", String.valueOf(limits.maxConcurrentStreams()),
                "active", String.valueOf(r.active()))));
        return Optional.of(new StartResult.TooManyStreams(limits.maxConcurrentStreams(), r.active()));
      }
      case Admission.Admitted a -> {
        for (String evicted : a.evicted()) {
          revokeSession.accept(evicted);
          evictions.increment();
          // The evicted session's own subject is the same account; the new session is named in details.
          monitoring.audit().record(event(AuditAction.SESSION_REVOKED, "success", token, evicted, null)
              .withDetails(Map.of("stream_id", stream.value(), "by_session", sessionId)));
          log.info("stream limit: revoked the oldest playback session of an account ({} at most) for a new start",
              limits.maxConcurrentStreams());
        }
        return Optional.empty();
      }
    }
  }

  private AuditEvent event(AuditAction action, String outcome, AccessToken token, String sessionId, String clientIp) {
    return AuditEvent.of(clock.instant(), action, outcome).withReason(REASON).withSubject(token.subject())
        .withClient(token.clientId()).withSession(sessionId).withClientIp(clientIp);
  }
}
