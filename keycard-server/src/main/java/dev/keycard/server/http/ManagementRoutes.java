package dev.keycard.server.http;

import dev.keycard.server.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * The management listener's routes: {@code GET /metrics} (the Prometheus text exposition format,
 * version 0.0.4) and the health probes. Served on a port of its own ({@code --management-port},
 * loopback by default), never on the API's or the edge's: the figures name clients and volumes.
 */
public final class ManagementRoutes {
  /** What Prometheus expects for the text format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private ManagementRoutes() {}

  /** @param readiness what {@code /health/ready} reports, or {@code null} for no readiness probe */
  public static Router routes(Vertx vertx, PrometheusMeterRegistry meters, Readiness readiness) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    // A scrape walks every meter and formats thousands of lines: a worker's job, not an event loop's.
    router.get("/metrics").handler(ctx -> Blocking.run(vertx, ctx, meters::scrape, text -> {
      Responses.noStore(ctx);
      ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text);
    }));
    if (readiness != null) {
      var health = new HealthEndpoints(vertx, readiness);
      router.get("/health/live").handler(health::live);
      router.get("/health/ready").handler(health::ready);
    }
    router.route().failureHandler(ctx -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500;
        Responses.error(ctx, status, status == 500 ? "server_error" : "invalid_request",
            status == 500 ? "An unexpected error occurred" : "The request is invalid");
      }
    });
    router.errorHandler(404, ctx -> Responses.error(ctx, 404, "not_found", "No such resource"));
    router.errorHandler(405, ctx -> Responses.error(ctx, 405, "method_not_allowed",
        "The method is not allowed for this resource"));
    return router;
  }
}
