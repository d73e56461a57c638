package dev.keycard.server;

import dev.keycard.core.revocation.DenylistReplica;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DenylistReplica#catchUp} on a worker thread every interval, and at once whenever
 * {@link #request()}ed (a change message says another instance revoked something, or the change feed
 * reconnected), so that a revocation made through another instance on the same store (a logout, a
 * reused refresh token, a revoked session) takes effect here within milliseconds through the feed,
 * or within about the interval without it. Never per request: the bearer check stays a lookup in
 * memory. A request while a run is reading is not lost: one more run follows it, since the running
 * one may have read before the new entry was committed. A failing store is logged once per outage,
 * not once per second.
 */
final class DenylistCatchUp {
  private static final Logger log = LoggerFactory.getLogger(DenylistCatchUp.class);

  private final Vertx vertx;
  private final DenylistReplica replica;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();

  private DenylistCatchUp(Vertx vertx, DenylistReplica replica) {
    this.vertx = vertx;
    this.replica = replica;
  }

  static DenylistCatchUp start(Vertx vertx, DenylistReplica replica, Duration interval) {
    DenylistCatchUp catchUp = new DenylistCatchUp(vertx, replica);
    vertx.setPeriodic(interval.toMillis(), id -> catchUp.request());
    return catchUp;
  }

  /** From any thread, never blocking: a catch-up now, or right after the one that is running. */
  void request() {
    again.set(true);
    if (running.compareAndSet(false, true)) {
      run();
    }
  }

  private void run() {
    again.set(false);
    Future<Integer> caughtUp;
    try {
      caughtUp = vertx.executeBlocking(replica::catchUp, false);
    } catch (RejectedExecutionException e) {
      // Vert.x is closing (a timer or a Redis message raced the shutdown): nothing left to protect.
      running.set(false);
      return;
    }
    caughtUp.onComplete(done -> {
      if (done.succeeded()) {
        if (failing.compareAndSet(true, false)) {
          log.info("denylist catch-up works again (up to revocation {})", replica.lastSequence());
        }
      } else if (failing.compareAndSet(false, true)) {
        log.warn("denylist catch-up failed; revocations made through other instances take effect here once it works "
            + "again: {}", done.cause().toString());
      }
      running.set(false);
      if (again.get() && running.compareAndSet(false, true)) {
        run();
      }
    });
  }
}
