package dev.keycard.server.http;

import dev.keycard.core.anomaly.Anomaly;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.anomaly.AnomalyWatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /api/v1/admin/anomalies[?user=NAME][&limit=N]} (scope {@code keycard:admin}): the most
 * recent anomalies this instance detected, newest first. Answered from memory, on the event loop.
 */
final class AnomalyEndpoints {
  static final int DEFAULT_LIMIT = 100;

  private final AnomalyWatch anomalies;

  AnomalyEndpoints(AnomalyWatch anomalies) {
    this.anomalies = anomalies;
  }

  void list(RoutingContext ctx, AccessToken admin) {
    List<String> users = ctx.queryParam("user");
    List<String> limits = ctx.queryParam("limit");
    if (users.size() > 1 || limits.size() > 1) {
      Responses.invalidRequest(ctx, "user and limit may be given once each");
      return;
    }
    String user = users.isEmpty() || users.get(0).isEmpty() ? null : users.get(0);
    int limit = DEFAULT_LIMIT;
    if (!limits.isEmpty()) {
      String text = limits.get(0);
      if (!text.matches("[0-9]{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > AnomalyWatch.RECENT) {
        Responses.invalidRequest(ctx, "limit must be a number from 1 to " + AnomalyWatch.RECENT);
        return;
      }
      limit = Integer.parseInt(text);
    }
    JsonArray list = new JsonArray();
    for (AnomalyWatch.Recorded recorded : anomalies.recent(user, limit)) {
      list.add(json(recorded));
    }
    Responses.noStore(ctx);
    Responses.json(ctx, 200, new JsonObject().put("anomalies", list));
  }

  private static JsonObject json(AnomalyWatch.Recorded recorded) {
    Anomaly a = recorded.anomaly();
    JsonObject details = new JsonObject();
    a.figures().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> details.put(e.getKey(), e.getValue()));
    return new JsonObject()
        .put("kind", a.kind().wireName())
        .put("time", a.time().toString())
        .put("user", a.subject())
        .put("client_id", a.clientId())
        .put("sid", a.sessionId())
        .put("client_ip", a.clientIp())
        .put("country", a.country())
        .put("action", recorded.action())
        .put("details", details);
  }
}
