package dev.keycard.store.redis;

import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.ratelimit.SharedBudgets;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared rate-limit budgets in Redis: Bucket4j's Lettuce integration (compare-and-swap of one
 * key per session or client, {@value #PREFIX}…, expiring once its bucket would be full again). Every
 * call is asynchronous and fails at once while Redis is unreachable (the connection rejects commands
 * while disconnected), so the caller falls back to local buckets without waiting. Connects on first
 * use and again, in the background, whenever a call finds no connection.
 */
public final class RedisBudgets implements SharedBudgets {
  /** The prefix of every rate-limit key in Redis. */
  public static final String PREFIX = "keycard:ratelimit:";
  private static final Duration FIRST_CONNECT = Duration.ofMillis(1500);

  private final RedisConnections redis;
  private final ConcurrentMap<RatePolicy, BucketConfiguration> configurations = new ConcurrentHashMap<>();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile AsyncProxyManager<byte[]> buckets;
  private volatile boolean closed;

  private RedisBudgets(RedisEndpoint endpoint, Duration reconnectAtMost) {
    this.redis = new RedisConnections(endpoint, reconnectAtMost);
  }

  /**
   * Budgets in the Redis at {@code endpoint}. Tries to connect now (waiting at most about a second);
   * never fails because Redis is away: calls do, until it is back.
   */
  public static RedisBudgets open(RedisEndpoint endpoint, Duration reconnectAtMost) {
    RedisBudgets budgets = new RedisBudgets(endpoint, reconnectAtMost);
    try {
      budgets.connect().get(FIRST_CONNECT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Not there yet: the first calls fail (local buckets decide) and connect again.
    }
    return budgets;
  }

  private CompletableFuture<?> connect() {
    if (closed || connection != null || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return redis.client().connectAsync(ByteArrayCodec.INSTANCE, redis.endpoint().toUri()).whenComplete((c, failure) -> {
      if (failure == null) {
        if (closed) {
          c.closeAsync();
        } else {
          buckets = Bucket4jLettuce.casBasedBuilder(c)
              .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
              .build().asAsync();
          connection = c;
        }
      }
      connecting.set(false);
    }).toCompletableFuture();
  }

  private AsyncBucketProxy bucket(String key, RatePolicy policy) {
    AsyncProxyManager<byte[]> manager = buckets;
    if (manager == null) {
      connect();
      throw new IllegalStateException("not connected to Redis");
    }
    BucketConfiguration configuration = configurations.computeIfAbsent(policy, p -> BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(p.quota()).refillIntervally(p.quota(), p.window()).build())
        .build());
    // The policy is part of the key: a changed policy starts a new budget rather than reading an old one.
    byte[] name = (PREFIX + policy.format() + ":" + key).getBytes(StandardCharsets.UTF_8);
    return manager.builder().build(name, () -> CompletableFuture.completedFuture(configuration));
  }

  @Override
  public CompletionStage<Budget> consume(String key, RatePolicy policy, long tokens) {
    try {
      return bucket(key, policy).asVerbose().tryConsumeAsMuchAsPossible(tokens).thenApply(RedisBudgets::budget);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Budget budget(VerboseResult<Long> r) {
    return new Budget(r.getValue() > 0, r.getDiagnostics().getAvailableTokens(),
        r.getDiagnostics().calculateFullRefillingTime());
  }

  @Override
  public CompletionStage<Budget> tryConsume(String key, RatePolicy policy) {
    try {
      return bucket(key, policy).asVerbose().tryConsumeAndReturnRemaining(1).thenApply(r -> {
        ConsumptionProbe p = r.getValue();
        return new Budget(p.isConsumed(), p.getRemainingTokens(),
            p.isConsumed() ? p.getNanosToWaitForReset() : p.getNanosToWaitForRefill());
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Void> ping() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c == null) {
      connect();
      return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
    }
    try {
      return c.async().ping().thenApply(pong -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "Redis " + redis.endpoint();
  }

  @Override
  public void close() {
    closed = true;
    redis.close();
  }
}
