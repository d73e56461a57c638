package dev.keycard.server.config;

import java.time.Duration;

/**
 * How long each listener (the API and the edge alike) waits for a client, and how many it holds at
 * once. A slow or silent client costs a connection and a file descriptor; these bound both, so that
 * no number of them can stop the listener from answering others. Validated when built; a bad value
 * names its option.
 *
 * @param headerTimeout  a request's head (request line and headers) must be complete this long after
 *                       its first byte (for a connection's first request: after the connection opened).
 *                       Otherwise 408 and close; a connection that sent nothing at all is just closed.
 * @param requestTimeout a request body that stops arriving for this long gets 408 and close (an upload
 *                       that keeps arriving is never cut); an answer not ready this long after the
 *                       body is in gets 503
 * @param idleTimeout    a connection that has read and written nothing for this long is closed (keep-alive
 *                       connections between requests); at least twice {@code requestTimeout}, so that a
 *                       request in progress is always answered before its connection could go idle
 * @param maxConnections open connections per listener; more are answered 503 and closed
 */
public record ListenerLimits(Duration headerTimeout, Duration requestTimeout, Duration idleTimeout, int maxConnections) {

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 8192;

  private static final Duration MIN = Duration.ofMillis(100);

  /** @throws IllegalArgumentException with a message naming the offending option */
  public ListenerLimits {
    require(within(headerTimeout, MIN, Duration.ofMinutes(5)), "--header-timeout must be between 100ms and 5m");
    require(within(requestTimeout, MIN, Duration.ofMinutes(10)), "--request-timeout must be between 100ms and 10m");
    require(within(idleTimeout, MIN, Duration.ofHours(1)), "--idle-timeout must be between 100ms and 1h");
    require(idleTimeout.compareTo(requestTimeout.multipliedBy(2)) >= 0,
        "--idle-timeout must be at least twice --request-timeout (" + Durations.format(requestTimeout) + ")");
    require(maxConnections >= 1 && maxConnections <= 1_000_000, "--max-connections must be between 1 and 1000000");
  }

  /** The documented defaults: 10 s for a request head, 30 s for a stalled body or a late answer, 60 s idle, 8192 connections. */
  public static ListenerLimits defaults() {
    return new ListenerLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS);
  }

  @Override
  public String toString() {
    return "ListenerLimits[headerTimeout=" + Durations.format(headerTimeout) + ", requestTimeout="
        + Durations.format(requestTimeout) + ", idleTimeout=" + Durations.format(idleTimeout)
        + ", maxConnections=" + maxConnections + "]";
  }

  private static boolean within(Duration d, Duration min, Duration max) {
    return d != null && d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
