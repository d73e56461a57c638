package dev.keycard.server.http;

import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.session.SessionActivity.ActiveStream;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.operator.OperatorHistory;
import dev.keycard.server.stream.Streaming;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/admin/overview} (scope {@code keycard:admin}): what the operator page shows,
 * from this instance's memory and meters: who is on now, the streams and their viewers, the running
 * totals and the last hour a minute at a time, and how long revocations took to arrive from other
 * instances. It reads; the page's only action (ending a session) is the admin API's.
 */
final class OperatorEndpoints {
  /** The sessions listed by name, most recently used first. */
  static final int SESSIONS_LISTED = 50;

  private final OperatorHistory history;
  private final SessionActivity activity;
  private final Streaming streaming;
  private final MeterRegistry meters;

  OperatorEndpoints(OperatorHistory history, SessionActivity activity, Streaming streaming, MeterRegistry meters) {
    this.history = history;
    this.activity = activity;
    this.streaming = streaming;
    this.meters = meters;
  }

  /** Walks this instance's session memory: on the event loop, as the anomaly list is; admins only. */
  void overview(RoutingContext ctx, AccessToken admin) {
    SessionActivity.Recent recent = activity.recent(OperatorHistory.ACTIVE_WITHIN, SESSIONS_LISTED);
    JsonArray sessions = new JsonArray();
    for (SessionActivity.RecentSession s : recent.sessions()) {
      JsonArray streams = new JsonArray();
      for (ActiveStream a : s.seen().activeStreams()) {
        streams.add(a.streamId());
      }
      sessions.add(new JsonObject().put("sid", s.sessionId()).put("user", s.subject())
          .put("last_used", s.seen().lastUsed().getEpochSecond()).put("last_ip", s.seen().lastClientIp())
          .put("streams", streams));
    }
    JsonArray streams = new JsonArray();
    if (streaming != null) {
      for (StreamId id : streaming.registry().registered()) {
        streams.add(new JsonObject().put("stream_id", id.value()).put("live", streaming.origin().isLive(id))
            .put("viewers", recent.streamViewers().getOrDefault(id.value(), 0)));
      }
    }
    OperatorHistory.Totals totals = history.totals();
    JsonArray minutes = new JsonArray();
    for (OperatorHistory.Minute m : history.lastHour()) {
      minutes.add(new JsonObject().put("at", m.at().getEpochSecond()).put("logins_succeeded", m.loginsSucceeded())
          .put("logins_failed", m.loginsFailed()).put("rate_limited", m.rateLimited()).put("anomalies", m.anomalies())
          .put("refresh_reuse", m.refreshReuse()).put("viewers", m.viewers())
          .put("active_sessions", m.activeSessions()).put("complete", m.complete()));
    }
    Responses.noStore(ctx);
    Responses.json(ctx, 200, new JsonObject()
        .put("active_sessions", recent.active())
        .put("viewers", history.viewers())
        .put("sessions", sessions)
        .put("streams", streams)
        .put("totals", new JsonObject().put("logins_succeeded", totals.loginsSucceeded())
            .put("logins_failed", totals.loginsFailed()).put("rate_limited", totals.rateLimited())
            .put("anomalies", totals.anomalies()).put("refresh_reuse", totals.refreshReuse()))
        .put("revocation_propagation", propagation())
        .put("history", minutes));
  }

  /** From a revocation's save at another instance to its arrival here, or {@code null} before the first. */
  private JsonObject propagation() {
    Timer timer = meters.find("keycard.revocation.propagation").timer();
    if (timer == null || timer.count() == 0) {
      return null;
    }
    return new JsonObject().put("count", timer.count())
        .put("mean_ms", Math.round(timer.mean(TimeUnit.MILLISECONDS)))
        .put("max_ms", Math.round(timer.max(TimeUnit.MILLISECONDS)));
  }
}
