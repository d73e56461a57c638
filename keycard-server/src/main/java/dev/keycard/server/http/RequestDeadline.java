package dev.keycard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline of a request that may carry a body: it is answered, whoever is slow. In place of
 * Vert.x-web's {@code TimeoutHandler}, which blames the server (503) for a client that stopped
 * sending, leaves that connection open, and is cancelled through the response's single
 * {@code endHandler}, which a handler that sets its own (ingest does) silently takes over, so the
 * timer fired at an answered request.
 *
 * <ul>
 *   <li>The client is the slow one while the body is incomplete: no body byte for the timeout gets
 *       408 with {@code Connection: close}, and the connection is closed (what is left of the body
 *       cannot be told from a next request). For a buffered body (a form, JSON, at most 16 KiB) the
 *       timeout counts from the request's head: the whole body is due within it. A streaming upload
 *       (ingest, a segment of up to 32 MiB) only has to keep arriving: every byte restarts its clock,
 *       so a slow but steady encoder is never cut.</li>
 *   <li>The server is the slow one once the body is in: no answer within the timeout gets 503
 *       {@code temporarily_unavailable} (from the head for a buffered body, from the end of a streamed
 *       one), logged in one line.</li>
 * </ul>
 *
 * It never writes to an answer whose head is out: a started answer cannot be finished by anyone
 * else, so its connection is closed instead, which tells the client it is incomplete. The timer is
 * cancelled when the answer ends, whoever ends it; if that is missed, it finds the answer ended and
 * does nothing.
 */
final class RequestDeadline implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);
  private static final long NONE = Long.MIN_VALUE;
  /** How often a streaming upload's progress is looked at, in parts of the timeout. */
  private static final int STREAM_CHECKS_PER_TIMEOUT = 4;

  private final long timeoutNanos;
  private final Predicate<String> streaming;

  /** @param streaming which request paths stream their bodies (by path, before any decoding) */
  RequestDeadline(Duration timeout, Predicate<String> streaming) {
    this.timeoutNanos = timeout.toNanos();
    this.streaming = streaming;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Watch watch = new Watch(ctx, streaming.test(ctx.request().path()));
    ctx.addBodyEndHandler(v -> watch.cancel());
    ctx.next();
  }

  private final class Watch {
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final Vertx vertx;
    private final boolean streaming;
    private final long start = System.nanoTime();
    /** When the last body byte was seen arriving (streaming), or the head arrived. */
    private long lastProgress = start;
    private long lastBytes;
    /** When the body was seen complete: the server's clock starts there. */
    private long complete;
    private long timer;

    Watch(RoutingContext ctx, boolean streaming) {
      this.ctx = ctx;
      this.request = ctx.request();
      this.vertx = ctx.vertx();
      this.streaming = streaming;
      this.lastBytes = request.bytesRead();
      this.complete = request.isEnded() ? start : NONE;
      schedule(streaming ? timeoutNanos / STREAM_CHECKS_PER_TIMEOUT : timeoutNanos);
    }

    private void schedule(long nanos) {
      timer = vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> check());
    }

    void cancel() {
      vertx.cancelTimer(timer);
    }

    private void check() {
      HttpServerResponse response = ctx.response();
      if (response.ended() || response.closed()) {
        return;
      }
      if (response.headWritten()) {
        request.connection().close();
        return;
      }
      long now = System.nanoTime();
      long due;
      if (!request.isEnded()) {
        if (streaming && request.bytesRead() != lastBytes) {
          lastBytes = request.bytesRead();
          lastProgress = now;
        }
        due = lastProgress + timeoutNanos;
        if (now - due >= 0) {
          clientTooSlow(response);
          return;
        }
      } else {
        if (complete == NONE) {
          complete = streaming ? now : start;
        }
        due = complete + timeoutNanos;
        if (now - due >= 0) {
          serverTooSlow();
          return;
        }
      }
      schedule(Math.min(due - now, streaming ? timeoutNanos / STREAM_CHECKS_PER_TIMEOUT : timeoutNanos));
    }

    private void clientTooSlow(HttpServerResponse response) {
      log.debug("request body of {} {} stalled: 408", request.method(), request.path());
      Responses.noStore(ctx);
      response.putHeader(HttpHeaders.CONNECTION, "close");
      response.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON)
          .end(Responses.error("request_timeout", "The request body did not arrive in time").encode())
          .onComplete(ar -> request.connection().close());
    }

    private void serverTooSlow() {
      // Request path only: a query string could hold a token.
      log.warn("no answer to {} {} within {} ms: 503", request.method(), request.path(), timeoutNanos / 1_000_000);
      Responses.noStore(ctx);
      Responses.error(ctx, 503, "temporarily_unavailable", "The server could not answer in time; retry later");
    }
  }
}
