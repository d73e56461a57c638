package dev.keycard.store.redis;

import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.throttle.InMemoryAttemptCounters;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AttemptCounters} in Redis, so that every instance counts the same failed logins and client
 * authentications: an attacker spreading guesses over instances gets no more than against one. Each
 * operation is one Lua script (atomic, one round trip); a key's window is its Redis TTL, so Redis
 * forgets idle keys by itself. Keys are {@value #PREFIX} followed by the caller's key, which holds
 * digests, never a user name.
 *
 * <p>Redis down, slow or not yet reached: the operation is answered by counters in this process
 * instead (never an exception, never a 5xx), logged once when that starts and once when Redis is
 * back. Counts made locally meanwhile stay local: for the length of an outage each instance throttles
 * on its own, as the embedded default does.
 */
public final class RedisAttemptCounters implements AttemptCounters {
  static final String PREFIX = "keycard:throttle:";

  private static final Logger log = LoggerFactory.getLogger(RedisAttemptCounters.class);

  /** KEYS[1] the key; ARGV[1] the limit, ARGV[2] the window in ms. Returns {count, refused, pttl}. */
  private static final String HIT = """
      local c = tonumber(redis.call('GET', KEYS[1]) or '0')
      local t = redis.call('PTTL', KEYS[1])
      if c >= tonumber(ARGV[1]) then return {c, 1, t} end
      c = redis.call('INCR', KEYS[1])
      if c == 1 or t < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        t = tonumber(ARGV[2])
      end
      return {c, 0, t}
      """;
  private static final String PEEK = """
      local c = tonumber(redis.call('GET', KEYS[1]) or '0')
      return {c, 0, redis.call('PTTL', KEYS[1])}
      """;
  private static final String RELEASE = """
      local c = tonumber(redis.call('GET', KEYS[1]) or '0')
      if c <= 1 then redis.call('DEL', KEYS[1]) else redis.call('DECR', KEYS[1]) end
      return 0
      """;

  private final RedisConnections redis;
  private final InMemoryAttemptCounters local;
  private final Duration retry;
  private final ScheduledExecutorService connector;
  private final AtomicBoolean fallingBack = new AtomicBoolean(false);
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean closed;

  private RedisAttemptCounters(RedisEndpoint endpoint, Duration retry, InstantSource clock, long maxLocalKeys) {
    this.retry = Objects.requireNonNull(retry, "retry");
    this.redis = new RedisConnections(endpoint, retry);
    this.local = new InMemoryAttemptCounters(clock, maxLocalKeys);
    this.connector = RedisConnections.backgroundThread("keycard-redis-throttle-connect");
  }

  /**
   * Counters in the Redis at {@code endpoint}; connects in the background (until then, and whenever
   * Redis is away, counts in this process, at most {@code maxLocalKeys} keys). Never throws because
   * Redis is away.
   */
  public static RedisAttemptCounters open(RedisEndpoint endpoint, Duration retry, InstantSource clock,
      long maxLocalKeys) {
    RedisAttemptCounters counters = new RedisAttemptCounters(endpoint, retry, clock, maxLocalKeys);
    counters.connector.execute(counters::connect);
    return counters;
  }

  /** Whether the last operation was answered by Redis (so counts are shared). */
  public boolean shared() {
    return connection != null && !fallingBack.get();
  }

  @Override
  public CompletionStage<Attempts> hit(String key, long limit, Duration window) {
    return run(c -> c.async().<List<Object>>eval(HIT, ScriptOutputType.MULTI, new String[] {PREFIX + key},
            Long.toString(limit), Long.toString(Math.max(1, window.toMillis())))
        .thenApply(RedisAttemptCounters::attempts), () -> local.hit(key, limit, window));
  }

  @Override
  public CompletionStage<Attempts> peek(String key) {
    return run(c -> c.async().<List<Object>>eval(PEEK, ScriptOutputType.MULTI, new String[] {PREFIX + key})
        .thenApply(RedisAttemptCounters::attempts), () -> local.peek(key));
  }

  @Override
  public CompletionStage<Void> release(String key) {
    return run(c -> c.async().<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {PREFIX + key})
        .thenApply(v -> (Void) null), () -> local.release(key));
  }

  @Override
  public CompletionStage<Void> reset(String key) {
    return run(c -> c.async().del(PREFIX + key).thenApply(v -> (Void) null), () -> local.reset(key));
  }

  @Override
  public void close() {
    closed = true;
    connector.shutdownNow();
    redis.close();
  }

  private <T> CompletionStage<T> run(Function<StatefulRedisConnection<String, String>, CompletionStage<T>> remote,
      java.util.function.Supplier<CompletionStage<T>> fallback) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || closed || !c.isOpen()) {
      fellBack("not connected");
      return fallback.get();
    }
    CompletionStage<T> stage;
    try {
      stage = remote.apply(c);
    } catch (RuntimeException e) { // disconnected: refused at once
      fellBack(e.getClass().getSimpleName());
      return fallback.get();
    }
    return stage.toCompletableFuture().handle((v, e) -> {
      if (e == null) {
        if (fallingBack.compareAndSet(true, false)) {
          log.info("Redis is back ({}): failed logins are counted across instances again", redis.endpoint().where());
        }
        return CompletableFuture.completedFuture(v);
      }
      fellBack(e.getClass().getSimpleName());
      return fallback.get().toCompletableFuture();
    }).thenCompose(Function.identity());
  }

  private void fellBack(String why) {
    if (fallingBack.compareAndSet(false, true) && !closed) {
      log.warn("Redis unreachable for login throttling ({}: {}); failed logins are counted in this process until "
          + "it is back", redis.endpoint().where(), why);
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    try {
      connection = redis.client().connect();
      log.info("login throttling counts in Redis ({})", redis.endpoint().where());
    } catch (RuntimeException e) {
      fellBack("connect failed");
      if (!closed) {
        connector.schedule(this::connect, retry.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private static Attempts attempts(List<Object> reply) {
    long count = (Long) reply.get(0);
    boolean refused = (Long) reply.get(1) != 0;
    long ttl = (Long) reply.get(2);
    return new Attempts(count, refused, ttl > 0 ? Duration.ofMillis(ttl) : Duration.ZERO);
  }
}
