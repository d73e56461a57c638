package dev.keycard.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce client for one {@link RedisEndpoint}, set up the way every keycard use of Redis needs
 * it: short connect and command timeouts (a request never waits on Redis for long), commands refused
 * at once while disconnected (no backlog replayed later), and reconnection attempts at least every
 * {@code reconnectAtMost} so a Redis that comes back is used again within that. The change feed uses
 * it; the shared rate limits of the abuse controls are meant to be the second user.
 */
final class RedisConnections implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final RedisEndpoint endpoint;
  private final ClientResources resources;
  private final RedisClient client;

  RedisConnections(RedisEndpoint endpoint, Duration reconnectAtMost) {
    this.endpoint = endpoint;
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), reconnectAtMost, 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, endpoint.toUri());
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(RedisEndpoint.COMMAND_TIMEOUT))
        .build());
  }

  RedisClient client() {
    return client;
  }

  RedisEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * One daemon thread, named {@code name}, for a store's background work (connecting, flushing): it
   * never keeps a CLI command's JVM alive.
   */
  static ScheduledExecutorService backgroundThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
