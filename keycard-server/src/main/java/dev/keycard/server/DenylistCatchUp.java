package dev.keycard.server;

import dev.keycard.core.revocation.DenylistReplica;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DenylistReplica#catchUp} every interval on a worker thread, so that a revocation made
 * through another instance on the same store (a logout, a reused refresh token, a revoked session)
 * takes effect here within about the interval. Never per request: the bearer check stays a lookup in
 * memory. A run still reading when the next one is due is not doubled, and a failing store is logged
 * once per outage, not once per second.
 */
final class DenylistCatchUp {
  private static final Logger log = LoggerFactory.getLogger(DenylistCatchUp.class);

  private final DenylistReplica replica;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();

  private DenylistCatchUp(DenylistReplica replica) {
    this.replica = replica;
  }

  static void start(Vertx vertx, DenylistReplica replica, Duration interval) {
    DenylistCatchUp catchUp = new DenylistCatchUp(replica);
    vertx.setPeriodic(interval.toMillis(), id -> catchUp.run(vertx));
  }

  private void run(Vertx vertx) {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(replica::catchUp, false).onComplete(done -> {
      running.set(false);
      if (done.succeeded()) {
        if (failing.compareAndSet(true, false)) {
          log.info("denylist catch-up works again (up to revocation {})", replica.lastSequence());
        }
      } else if (failing.compareAndSet(false, true)) {
        log.warn("denylist catch-up failed; revocations made through other instances take effect here once it works "
            + "again: {}", done.cause().toString());
      }
    });
  }
}
