package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs a blocking core call (Argon2id, RSA signing, JDBC) on a worker thread and continues on the
 * request's event loop. Unordered: requests must not queue behind each other's password hashing.
 * A failure goes to the router's failure handler (503 for a store outage, 500 otherwise).
 */
final class Blocking {
  private Blocking() {}

  static <T> void run(Vertx vertx, RoutingContext ctx, Callable<T> work, Consumer<T> then) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return; // answered meanwhile (timeout) or the client went away
      }
      if (ar.succeeded()) {
        try {
          then.accept(ar.result());
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
