package dev.keycard.server.edge;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the edge reports: {@code keycard.edge.requests} by {@code outcome} (a served {@code playlist}
 * or {@code segment}, or the refusal's error code), {@code keycard.origin.fetch} (the origin's answer
 * time, a histogram, by file {@code kind} and {@code result}), and a {@code playback.refused} audit
 * event for each refusal of a signed URL or a revoked session. Every counter is registered up front
 * and found by the refusal's constant error string: counting allocates nothing.
 */
final class EdgeMeters {
  private static final List<EdgeRefusal> FIXED = List.of(EdgeRefusal.NOT_FOUND, EdgeRefusal.METHOD_NOT_ALLOWED,
      EdgeRefusal.SESSION_REVOKED, EdgeRefusal.BAD_ORIGIN_PLAYLIST, EdgeRefusal.ORIGIN_UNAVAILABLE,
      EdgeRefusal.STREAM_OFFLINE, EdgeRefusal.SERVER_ERROR);

  private final Monitoring monitoring;
  private final InstantSource clock;
  private final Counter playlists;
  private final Counter segments;
  private final Counter otherRefusals;
  private final Map<String, Counter> refusals = new HashMap<>();
  private final Timer playlistFetches;
  private final Timer segmentFetches;

  EdgeMeters(Monitoring monitoring, InstantSource clock) {
    this.monitoring = monitoring;
    this.clock = clock;
    MeterRegistry meters = monitoring.meters();
    playlists = requests(meters, "playlist");
    segments = requests(meters, "segment");
    otherRefusals = requests(meters, "other");
    for (EdgeRefusal r : FIXED) {
      refusals.put(r.error(), requests(meters, r.error()));
    }
    for (UrlRejection r : UrlRejection.values()) {
      EdgeRefusal refusal = EdgeRefusal.of(r);
      refusals.put(refusal.error(), requests(meters, refusal.error()));
    }
    playlistFetches = fetches(meters, "playlist");
    segmentFetches = fetches(meters, "segment");
  }

  void servedPlaylist() {
    playlists.increment();
  }

  void servedSegment() {
    segments.increment();
  }

  void refused(EdgeRefusal refusal) {
    refusals.getOrDefault(refusal.error(), otherRefusals).increment();
  }

  /**
   * A refusal of the viewer's credential (a signed URL that does not verify, a revoked session):
   * audited, with the viewer's address. Never the URL: it is the credential.
   */
  void refusedPlayback(EdgeRefusal refusal, String clientIp) {
    monitoring.audit().record(AuditEvent.of(clock.instant(), AuditAction.PLAYBACK_REFUSED, "refused")
        .withReason(refusal.error()).withClientIp(clientIp)
        .withDetails(Map.of("status", Integer.toString(refusal.status()))));
  }

  /** How long the origin took to answer a fetch that began at {@code startNanos} ({@link System#nanoTime}). */
  void fetched(boolean playlist, long startNanos) {
    (playlist ? playlistFetches : segmentFetches).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private static Counter requests(MeterRegistry meters, String outcome) {
    return Counter.builder("keycard.edge.requests").description("Edge requests, by outcome")
        .tag("outcome", outcome).register(meters);
  }

  private static Timer fetches(MeterRegistry meters, String kind) {
    return Timer.builder("keycard.origin.fetch").description("Time the origin took to answer the edge's fetches")
        .tag("kind", kind).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
  }
}
