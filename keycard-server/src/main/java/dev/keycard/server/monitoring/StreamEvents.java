package dev.keycard.server.monitoring;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.token.AccessToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * Stream starts ({@code POST /api/v1/stream/start}): {@code keycard.stream.starts} by outcome, and a
 * {@code stream.started} or {@code stream.refused} audit event naming the stream and the playback
 * session (the token's {@code sid}), never the signed URL handed out.
 */
public final class StreamEvents {
  private final Monitoring monitoring;
  private final InstantSource clock;
  private final Counter started;
  private final Counter notEntitled;
  private final Counter unknown;

  public StreamEvents(Monitoring monitoring, InstantSource clock) {
    this.monitoring = Objects.requireNonNull(monitoring, "monitoring");
    this.clock = Objects.requireNonNull(clock, "clock");
    MeterRegistry meters = monitoring.meters();
    started = starts(meters, "started");
    notEntitled = starts(meters, "insufficient_scope");
    unknown = starts(meters, "unknown_stream");
  }

  public void started(AccessToken token, StreamId stream, String clientIp) {
    started.increment();
    monitoring.audit().record(event(AuditAction.STREAM_STARTED, "success", null, token, stream, clientIp));
  }

  /** @param reason {@code insufficient_scope} or {@code unknown_stream} */
  public void refused(AccessToken token, StreamId stream, String reason, String clientIp) {
    (reason.equals("unknown_stream") ? unknown : notEntitled).increment();
    monitoring.audit().record(event(AuditAction.STREAM_REFUSED, "refused", reason, token, stream, clientIp));
  }

  private AuditEvent event(AuditAction action, String outcome, String reason, AccessToken token, StreamId stream,
      String clientIp) {
    return AuditEvent.of(clock.instant(), action, outcome).withReason(reason)
        .withSubject(token.subject()).withClient(token.clientId()).withSession(token.sessionId())
        .withTokenId(token.tokenId()).withClientIp(clientIp).withDetails(Map.of("stream_id", stream.value()));
  }

  private static Counter starts(MeterRegistry meters, String outcome) {
    return Counter.builder("keycard.stream.starts").description("Stream starts (playback URLs handed out), by outcome")
        .tag("outcome", outcome).register(meters);
  }
}
