package dev.keycard.server.http;

import dev.keycard.server.config.ListenerLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every keycard listener (the API, the edge) does for its connections, whatever it serves: the
 * connection cap, the idle timeout, each connection's header-read deadline and Host rule
 * ({@link ConnectionGuard}), and a JSON answer to the requests the HTTP decoder refuses itself (request
 * line too long, headers too large, malformed). One per listener, shared by its verticle instances.
 *
 * <p>Vert.x 5 offers the idle timeout ({@link HttpServerOptions#setIdleTimeout}) and the
 * invalid-request handler; it has no header-read deadline and no connection cap, so those are two
 * small Netty handlers and a counter, reached through the connection's channel. That channel is
 * Vert.x's internal {@link HttpServerConnection} API: a Vert.x upgrade that changes it fails every
 * listener test at once, not quietly.
 */
public final class ListenerGuard {
  /**
   * File descriptors left for everything but the listeners' connections (database, jars, logs, event
   * loops, refused connections on their way out): this many, or a quarter of a smaller limit.
   */
  public static final int RESERVED_DESCRIPTORS = 512;

  private static final Logger log = LoggerFactory.getLogger(ListenerGuard.class);
  /** Vert.x's name for its HTTP/1.x decoder in a connection's pipeline. */
  static final String HTTP1_DECODER = "httpDecoder";
  private static final long CAP_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final byte[] TOO_MANY_CONNECTIONS = ConnectionGuard.rawAnswer(503, "Service Unavailable",
      "{\"error\":\"temporarily_unavailable\",\"error_description\":\"Too many connections; retry later\"}");

  private final String name;
  private final ListenerLimits limits;
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong lastCapWarning = new AtomicLong(System.nanoTime() - CAP_WARNING_INTERVAL_NANOS);
  /** The listener's TLS, or {@code null} for plain HTTP. */
  private final ListenerTls tls;

  /**
   * @param name           the listener, for the log ("API", "edge")
   * @param maxConnections the cap, from {@link #connectionCap}
   */
  public ListenerGuard(String name, ListenerLimits limits, int maxConnections) {
    this(name, limits, maxConnections, null);
  }

  /** @param tls the listener's TLS, or {@code null} for plain HTTP */
  public ListenerGuard(String name, ListenerLimits limits, int maxConnections, ListenerTls tls) {
    this.name = name;
    this.limits = limits;
    this.maxConnections = maxConnections;
    this.tls = tls;
  }

  /**
   * The options every listener needs: the idle timeout, TLS when configured (HTTP/2 by ALPN), and no
   * cleartext HTTP/2: its connections reach the connection handler only after their first bytes, so
   * until then they would be neither counted nor timed.
   */
  public HttpServerOptions configure(HttpServerOptions options) {
    options.setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(false);
    return tls == null ? options : tls.configure(options);
  }

  /** Guards {@code server}'s connections; call before it listens. */
  public HttpServer guard(HttpServer server) {
    if (tls != null) {
      tls.track(server);
    }
    return server.connectionHandler(this::connected).invalidRequestHandler(this::invalid);
  }

  /** Connections open on this listener now. */
  public int openConnections() {
    return open.get();
  }

  /**
   * How many connections each of {@code listeners} may hold: {@code configured}, or fewer when the
   * process's file-descriptor limit cannot hold that many for all of them (a warning says so and how to
   * raise the limit). Holding the count below the limit is what keeps {@code accept} from failing with
   * EMFILE, which Netty can only log and retry.
   */
  public static int connectionCap(int configured, int listeners) {
    long limit = maxFileDescriptors();
    int cap = connectionCap(configured, listeners, limit);
    if (cap < configured) {
      log.warn("the file-descriptor limit ({}) cannot hold {} connections on each of {} listeners: {} each instead;"
          + " raise it (ulimit -n, systemd LimitNOFILE) or lower --max-connections", limit, configured, listeners, cap);
    }
    return cap;
  }

  /** The pure part of {@link #connectionCap(int, int)}: {@code descriptors <= 0} means unknown. */
  static int connectionCap(int configured, int listeners, long descriptors) {
    if (descriptors <= 0) {
      return configured;
    }
    long fit = (descriptors - Math.min(RESERVED_DESCRIPTORS, descriptors / 4)) / listeners;
    return (int) Math.max(1, Math.min(configured, fit));
  }

  /** The soft limit the JVM runs with (it raises it to the hard limit at start), or -1 if unknown. */
  private static long maxFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private void connected(HttpConnection connection) {
    if (!(connection instanceof HttpServerConnection http)) {
      connection.close(); // not one of Vert.x's HTTP server connections: nothing here serves anything else
      return;
    }
    Channel channel = http.channelHandlerContext().channel();
    int count = open.incrementAndGet();
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    // HTTP/1.x has Vert.x's decoder; an HTTP/2 connection (TLS with ALPN) has Netty's HTTP/2 codec,
    // whose own limits (header list size, concurrent streams) and the idle timeout guard it instead.
    ChannelHandlerContext decoder = channel.pipeline().context(HTTP1_DECODER);
    if (count > maxConnections) {
      warnAtCap();
      if (decoder == null) {
        channel.close();
        return;
      }
      // Below the HTTP codec but above TLS, if any: no request has been read, none will be.
      decoder.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (decoder != null) {
      new ConnectionGuard(limits.headerTimeout().toNanos()).install(channel.pipeline());
    }
  }

  /** One line a minute at most, however many connections are refused. */
  private void warnAtCap() {
    long now = System.nanoTime();
    long last = lastCapWarning.get();
    if (now - last >= CAP_WARNING_INTERVAL_NANOS && lastCapWarning.compareAndSet(last, now)) {
      log.warn("the {} listener holds {} connections (--max-connections): refusing more with 503", name, maxConnections);
    }
  }

  /**
   * Requests the decoder refused itself, and HTTP/1.1 requests without one Host ({@link ConnectionGuard}):
   * a JSON 4xx, then close, since what follows on the connection cannot be trusted to be a request.
   */
  private void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String description;
    if (cause == ConnectionGuard.HOST_REQUIRED) {
      status = 400;
      description = "An HTTP/1.1 request must have exactly one Host header";
    } else if (cause == ConnectionGuard.VERSION_UNSUPPORTED) {
      // 400 rather than 505: the client's error, like every other bad input.
      status = 400;
      description = "Only HTTP/1.1 and HTTP/1.0 are served";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      description = "The request line is too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      description = "The request headers are too large";
    } else {
      status = 400;
      description = "The request is malformed";
    }
    log.debug("{} listener: malformed request refused with {}", name, status);
    request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(Responses.error("invalid_request", description).encode())
        .onComplete(ar -> request.connection().close());
  }
}
