package dev.keycard.store.redis;

import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.change.ChangeListener;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed over Redis pub/sub, on one channel ({@value #CHANNEL}). Messages hold what
 * {@link Change#encode()} makes (a kind and, for revocations, a sequence number): never a token,
 * never a revoked id. Pub/sub delivers at most once and keeps nothing, which is what this needs: a
 * missed message costs one catch-up interval, and every (re)subscription tells the listener to catch
 * up at once.
 *
 * <p>Two connections: one subscribed, one to publish on (a subscribed connection can do nothing
 * else). Lettuce reconnects both and subscribes again by itself; until the first connection
 * succeeds, this class retries every {@code retry}, so an instance that starts while Redis is down
 * joins the feed when Redis comes up. Nothing here ever blocks a caller or throws at it because Redis
 * is away.
 */
public final class RedisChangeFeed implements ChangeFeed {
  /** The pub/sub channel every instance of one deployment shares. */
  public static final String CHANNEL = "keycard:changes";

  private static final Logger log = LoggerFactory.getLogger(RedisChangeFeed.class);

  private final RedisConnections redis;
  private final Duration retry;
  private final ScheduledExecutorService connector;
  private final AtomicBoolean down = new AtomicBoolean(false);
  private volatile StatefulRedisConnection<String, String> publisher;
  private volatile StatefulRedisPubSubConnection<String, String> subscriber;
  private volatile ChangeListener listener;
  private volatile boolean subscribed;
  private volatile boolean closed;
  /** The last message handed to Lettuce, so that closing lets it leave (a CLI command publishes, then exits). */
  private volatile CompletableFuture<?> lastPublish = CompletableFuture.completedFuture(null);

  private RedisChangeFeed(RedisEndpoint endpoint, Duration retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    this.redis = new RedisConnections(endpoint, retry);
    this.connector = RedisConnections.backgroundThread("keycard-redis-connect");
    redis.client().addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (connection == subscriber) {
          lost();
        }
      }

      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        // Connected is not yet subscribed: the listener hears of it once the subscription is confirmed.
      }
    });
  }

  /**
   * A feed to the Redis at {@code endpoint}. Tries to connect once now (at most about a second);
   * when Redis is not there, keeps trying every {@code retry} in the background. Never throws
   * because Redis is away.
   */
  public static RedisChangeFeed open(RedisEndpoint endpoint, Duration retry) {
    RedisChangeFeed feed = new RedisChangeFeed(endpoint, retry);
    feed.connect();
    return feed;
  }

  @Override
  public void subscribe(ChangeListener changeListener) {
    Objects.requireNonNull(changeListener, "listener");
    if (listener != null) {
      throw new IllegalStateException("one listener per feed");
    }
    listener = changeListener;
    if (subscribed) {
      notifyConnected();
    }
  }

  @Override
  public boolean publish(Change change) {
    StatefulRedisConnection<String, String> connection = publisher;
    if (connection == null || closed || !connection.isOpen()) {
      return false; // not connected: the others catch up on their interval
    }
    try {
      lastPublish = connection.async().publish(CHANNEL, change.encode()).toCompletableFuture().exceptionally(e -> null);
      return true;
    } catch (RuntimeException e) { // disconnected: refused at once, and the interval covers it
      log.debug("publish failed: {}", e.toString());
      return false;
    }
  }

  @Override
  public boolean connected() {
    return subscribed && !closed;
  }

  @Override
  public void close() {
    try {
      lastPublish.get(RedisEndpoint.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // lost: the instances' periodic catch-up and reload cover it
    }
    closed = true;
    subscribed = false;
    connector.shutdownNow();
    redis.close();
  }

  /** One attempt at whatever is not connected yet; schedules the next one on failure. */
  private void connect() {
    if (closed) {
      return;
    }
    try {
      if (publisher == null) {
        publisher = redis.client().connect();
      }
      if (subscriber == null) {
        StatefulRedisPubSubConnection<String, String> sub = redis.client().connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            deliver(message);
          }

          @Override
          public void subscribed(String channel, long count) {
            // After the first SUBSCRIBE and after each resubscription that follows a reconnect.
            subscribed = true;
            if (down.compareAndSet(true, false)) {
              log.info("Redis change feed is back ({}); catching up from the database", redis.endpoint().where());
            }
            notifyConnected();
          }
        });
        subscriber = sub;
        sub.sync().subscribe(CHANNEL);
      }
      log.info("Redis change feed connected ({}, channel {})", redis.endpoint().where(), CHANNEL);
    } catch (RuntimeException e) {
      if (down.compareAndSet(false, true)) {
        log.warn("Redis change feed unreachable ({}): {}; changes from other instances arrive by the database "
            + "catch-up until it is back, retrying every {} ms", redis.endpoint().where(), reason(e), retry.toMillis());
      }
      if (!closed) {
        connector.schedule(this::connect, retry.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void lost() {
    if (closed) {
      return;
    }
    boolean was = subscribed;
    subscribed = false;
    if (down.compareAndSet(false, true)) {
      log.warn("Redis change feed disconnected ({}); changes from other instances arrive by the database catch-up "
          + "until it is back", redis.endpoint().where());
    }
    ChangeListener l = listener;
    if (was && l != null && !closed) {
      try {
        l.disconnected();
      } catch (RuntimeException e) {
        log.warn("change listener failed on disconnect: {}", e.toString());
      }
    }
  }

  private void notifyConnected() {
    ChangeListener l = listener;
    if (l != null && !closed) {
      try {
        l.connected();
      } catch (RuntimeException e) {
        log.warn("change listener failed on connect: {}", e.toString());
      }
    }
  }

  private void deliver(String message) {
    ChangeListener l = listener;
    if (l == null || closed) {
      return;
    }
    Change.parse(message).ifPresentOrElse(change -> {
      try {
        l.changed(change);
      } catch (RuntimeException e) {
        log.warn("change listener failed: {}", e.toString());
      }
    }, () -> log.debug("ignored an unknown change message of {} characters", message == null ? 0 : message.length()));
  }

  /** The exception's class and cause, without its message's details beyond what Lettuce says of the host. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  @Override
  public String toString() {
    return "RedisChangeFeed[" + redis.endpoint().where() + "]";
  }
}
