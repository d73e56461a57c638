package dev.keycard.server.http;

import dev.keycard.server.Readiness;
import dev.keycard.server.Readiness.Database;
import dev.keycard.server.Readiness.Report;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the database answers within
 * {@link #DATABASE_TIMEOUT_MS} and the denylist is current: see {@link Readiness}). The database probe
 * runs on a worker; probes arriving while one is out share it, so a load balancer polling hard costs
 * one query at a time, and a hanging database gets a 503 after the timeout, never an open request
 * (nor a pile of workers stuck behind it: while a timed-out probe is still out, no other starts).
 */
final class HealthEndpoints {
  /** A load balancer's probe usually gives up after a few seconds; answer well before. */
  static final long DATABASE_TIMEOUT_MS = 1_000;

  private final Vertx vertx;
  private final Readiness readiness;
  /** The probe in flight, shared by the requests of this event loop; null when none. */
  private Future<Database> probe;
  /** Whether a worker is still in the database, answered or not. */
  private boolean probing;

  HealthEndpoints(Vertx vertx, Readiness readiness) {
    this.vertx = vertx;
    this.readiness = readiness;
  }

  void live(RoutingContext ctx) {
    Responses.json(ctx, 200, new JsonObject().put("status", "live"));
  }

  void ready(RoutingContext ctx) {
    probe().onComplete(done -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      Report report = readiness.report(done.succeeded() ? done.result() : Database.DOWN);
      JsonObject denylist = new JsonObject()
          .put("caught_up", report.caughtUp())
          .put("last_sequence", report.lastSequence())
          .put("bound_ms", readiness.bound().toMillis());
      report.denylistAge().ifPresent(age -> denylist.put("age_ms", age.toMillis()));
      Responses.json(ctx, report.ready() ? 200 : 503, new JsonObject()
          .put("status", report.ready() ? "ready" : "not_ready")
          .put("database", report.database().name().toLowerCase(java.util.Locale.ROOT))
          .put("denylist", denylist)
          .put("redis", report.feed()));
    });
  }

  /** Called on this verticle's event loop only, so {@link #probe} needs no lock. */
  private Future<Database> probe() {
    if (probe != null) {
      return probe;
    }
    if (probing) {
      return Future.succeededFuture(Database.TIMEOUT);
    }
    probing = true;
    Promise<Database> result = Promise.promise();
    long timer = vertx.setTimer(DATABASE_TIMEOUT_MS, id -> result.tryComplete(Database.TIMEOUT));
    vertx.executeBlocking(() -> {
      readiness.probeDatabase();
      return Database.UP;
    }, false).onComplete(done -> {
      probing = false;
      vertx.cancelTimer(timer);
      result.tryComplete(done.succeeded() ? Database.UP : Database.DOWN);
    });
    Future<Database> future = result.future();
    probe = future;
    future.onComplete(done -> probe = null);
    return future;
  }
}
