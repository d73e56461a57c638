package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin of an edge-only instance: another keycard process's {@link OriginPull} endpoint
 * ({@code GET /origin/{stream}/{file}}), reached with a Vert.x HTTP client over a keep-alive pool and
 * authenticated with the origin secret. Its answers become the same {@link OriginReply} values a
 * {@link LocalOrigin} gives (the mapping is {@link OriginPull#replyOf}, beside the one it inverts);
 * anything else (refused secret, a status no origin pull answers, a body over the file type's limit, no
 * connection, silence) fails the stage with an {@link OriginUnavailableException}, which the edge
 * answers with 502 {@code origin_unavailable}.
 *
 * <p><b>Bounded.</b> Connecting, and every wait for the next bytes, times out after {@code timeout};
 * a whole fetch after four times it; at most {@value #MAX_CONNECTIONS} connections per event loop and
 * {@value #MAX_WAITING} fetches waiting for one, beyond which fetches fail at once. A pooled connection
 * is dropped after {@value #KEEP_ALIVE_SECONDS} s idle, well within the origin's idle timeout (60 s by
 * default), and a fetch whose pooled connection turns out closed before any answer is tried once more
 * on a new one (a {@code GET} is safe to repeat).
 *
 * <p><b>No change notices.</b> A remote origin cannot tell the edge that a file was replaced, so
 * {@link #segmentLife()} is the life the origin itself announces to shared caches
 * ({@link OriginPull#SEGMENT_MAX_AGE}): an encoder restarted with the same segment names is served its
 * new segments at most that long after they replaced the old ones.
 *
 * <p>The log gets one line when the origin stops answering (with the reason's kind, never a URL with
 * a query or the secret) and one when it answers again.
 */
public final class HttpOrigin implements Origin {
  static final int MAX_CONNECTIONS = 32;
  static final int MAX_WAITING = 512;
  static final int KEEP_ALIVE_SECONDS = 20;
  /** Error bodies of origin pull are a line of JSON; anything longer is not one. */
  private static final int MAX_ERROR_BODY = 4096;
  private static final int WHOLE_FETCH_TIMEOUTS = 4;
  private static final Logger log = LoggerFactory.getLogger(HttpOrigin.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final String baseUrl;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String secret;
  private final long timeoutMillis;
  private final AtomicBoolean reachable = new AtomicBoolean(true);

  /**
   * @param baseUrl {@code http(s)://host[:port]} of the origin's {@code --port} listener
   * @param secret  the origin secret, presented as {@value OriginPull#SECRET_HEADER}
   * @param timeout connect and idle timeout of each fetch
   */
  public HttpOrigin(Vertx vertx, String baseUrl, String secret, Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.secret = Objects.requireNonNull(secret, "secret");
    URI uri = URI.create(baseUrl);
    this.ssl = "https".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    this.timeoutMillis = timeout.toMillis();
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
            .setConnectTimeout((int) timeoutMillis).setDecompressionSupported(false).setSsl(ssl),
        new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(MAX_WAITING));
  }

  @Override
  public CompletionStage<OriginReply> fetch(StreamId stream, String file) {
    MediaType type = MediaType.ofFileName(file);
    if (type == null) {
      return CompletableFuture.completedFuture(OriginReply.NOT_FOUND); // never asked: no origin serves it
    }
    CompletableFuture<OriginReply> result = new CompletableFuture<>();
    // The first of the answer and the deadline settles the fetch; it notes the origin's state before
    // completing, so the log line about an unreachable origin is out before the edge's 502.
    AtomicBoolean settled = new AtomicBoolean();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long deadline = vertx.setTimer(timeoutMillis * WHOLE_FETCH_TIMEOUTS, id -> {
      if (settled.compareAndSet(false, true)) {
        noteReachable(false, OriginUnavailableException.TIMED_OUT);
        result.completeExceptionally(OriginUnavailableException.TIMED_OUT);
        HttpClientRequest request = sent.get();
        if (request != null) {
          request.reset();
        }
      }
    });
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setSsl(ssl)
        .setURI(OriginPull.PREFIX + stream.value() + "/" + file)
        .putHeader(OriginPull.SECRET_HEADER, secret)
        .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
    attempt(options, type, sent, true).onComplete(ar -> {
      vertx.cancelTimer(deadline);
      if (settled.compareAndSet(false, true)) {
        noteReachable(ar.succeeded(), ar.cause());
        if (ar.succeeded()) {
          result.complete(ar.result());
        } else {
          result.completeExceptionally(unavailable(ar.cause()));
        }
      }
    });
    return result;
  }

  @Override
  public Optional<Duration> segmentLife() {
    return Optional.of(OriginPull.SEGMENT_MAX_AGE);
  }

  /** Where this origin is, for the log (no credentials: the base URL has none). */
  public String baseUrl() {
    return baseUrl;
  }

  private Future<OriginReply> attempt(RequestOptions options, MediaType type, AtomicReference<HttpClientRequest> sent,
      boolean retryIfClosed) {
    return client.request(options)
        .compose(request -> {
          sent.set(request);
          return request.send();
        })
        .compose(response -> read(response, type))
        .recover(failure -> retryIfClosed && failure instanceof HttpClosedException
            ? attempt(options, type, sent, false)
            : Future.failedFuture(failure));
  }

  private Future<OriginReply> read(HttpClientResponse response, MediaType type) {
    long length = contentLength(response);
    int status = response.statusCode();
    if (length < 0 || length > (status == 200 ? type.maxBytes() : MAX_ERROR_BODY)) {
      // Not an answer of ours: do not read it, drop the connection.
      response.exceptionHandler(ignored -> { });
      response.request().reset();
      return Future.failedFuture(OriginUnavailableException.BAD_ANSWER);
    }
    if (status == 200) {
      long peak = type.isPlaylist() ? peakBitsPerSecond(response.getHeader(OriginPull.PEAK_BANDWIDTH_HEADER)) : 0;
      return response.body().map(body -> new OriginReply.Found(body, type, peak));
    }
    // An error answer is read (a line of JSON), so the connection stays usable.
    return response.body().compose(body -> {
      if (status == 403) {
        return Future.failedFuture(OriginUnavailableException.SECRET_REFUSED);
      }
      OriginReply reply = replyOf(status, body);
      return reply == null ? Future.failedFuture(OriginUnavailableException.BAD_ANSWER) : Future.succeededFuture(reply);
    });
  }

  private static OriginReply replyOf(int status, Buffer body) {
    try {
      JsonObject json = new JsonObject(body);
      return OriginPull.replyOf(status, json.getString("error"), json.getString("error_description"));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static long contentLength(HttpClientResponse response) {
    String value = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return value == null ? -1 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long peakBitsPerSecond(String value) {
    try {
      return value == null ? 0 : Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static OriginUnavailableException unavailable(Throwable cause) {
    return cause instanceof OriginUnavailableException known ? known : OriginUnavailableException.of(cause);
  }

  private void noteReachable(boolean answered, Throwable failure) {
    if (answered) {
      if (reachable.compareAndSet(false, true)) {
        log.info("origin {} answers again", baseUrl);
      }
    } else if (reachable.compareAndSet(true, false)) {
      log.warn("origin {} unavailable: {}; the edge answers 502 origin_unavailable until it answers again", baseUrl,
          unavailable(failure).getMessage());
    }
  }
}
