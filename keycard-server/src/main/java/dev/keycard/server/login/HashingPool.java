package dev.keycard.server.login;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The threads password logins run on, apart from Vert.x's worker pool: a login flood queues here,
 * and refresh, revocation, logout and introspection, which run on the worker pool, do not wait
 * behind it. At most {@code threads} Argon2id hashes run at once (memory stays at threads × the
 * Argon2id memory, whatever the load) and at most {@code queue} logins wait; a login beyond that is
 * answered at once (503) rather than after a wait that would only grow.
 */
public final class HashingPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Counter rejected;
  private final Counter tasks;
  private final Counter abandoned;

  public HashingPool(int threads, int queue, MeterRegistry meters) {
    BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, waiting, r -> {
      Thread t = new Thread(r, "keycard-hashing-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    this.rejected = Counter.builder("keycard.password.hashing.rejected")
        .description("Logins answered 503 at once because the password-hashing queue was full").register(meters);
    this.tasks = Counter.builder("keycard.password.hashing.tasks")
        .description("Password checks run (each one Argon2id hash)").register(meters);
    this.abandoned = Counter.builder("keycard.password.hashing.abandoned")
        .description("Queued logins not hashed because their client had gone").register(meters);
    Gauge.builder("keycard.password.hashing.queued", executor, e -> e.getQueue().size())
        .description("Logins waiting for a password-hashing thread").register(meters);
    Gauge.builder("keycard.password.hashing.active", executor, ThreadPoolExecutor::getActiveCount)
        .description("Password hashes running now").register(meters);
  }

  /**
   * Runs {@code work} on the pool and hands its result (or failure) to {@code then} on
   * {@code context}; {@code false}, and nothing run, when the queue is full. When its turn comes and
   * {@code wanted} says no (the client has gone), nothing is run and {@code abandoned} is called
   * instead: a flood whose clients give up costs no hashes for the requests they gave up.
   */
  public <T> boolean submit(Context context, BooleanSupplier wanted, Callable<T> work, Consumer<Outcome<T>> then,
      Runnable abandoned) {
    try {
      executor.execute(() -> {
        if (!wanted.getAsBoolean()) {
          this.abandoned.increment();
          context.runOnContext(v -> abandoned.run());
          return;
        }
        tasks.increment();
        Outcome<T> outcome;
        try {
          outcome = new Outcome<>(work.call(), null);
        } catch (Throwable e) {
          outcome = new Outcome<>(null, e);
        }
        Outcome<T> o = outcome;
        context.runOnContext(v -> then.accept(o));
      });
      return true;
    } catch (RejectedExecutionException e) {
      rejected.increment();
      return false;
    }
  }

  /** What the work returned, or what it threw. */
  public record Outcome<T>(T result, Throwable failure) {}

  /** Password checks run so far. */
  public long tasksRun() {
    return (long) tasks.count();
  }

  public int queued() {
    return executor.getQueue().size();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
