package dev.keycard.server.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP forwarder on a random loopback port in front of a server: counts the requests per path
 * and holds each for {@code delay} before forwarding it, so that concurrent requests really overlap
 * with one in flight. Headers and bodies pass unchanged.
 */
public final class CountingProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient();
  private final HttpServer server;
  private final int targetPort;
  private final Duration delay;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  public CountingProxy(int targetPort, Duration delay) {
    this.targetPort = targetPort;
    this.delay = delay;
    this.server = vertx.createHttpServer().requestHandler(this::forward).listen(0, "127.0.0.1").await();
  }

  /** {@code http://127.0.0.1:PORT}, to give as the origin URL. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Requests seen for {@code path} (without query). */
  public int count(String path) {
    AtomicInteger n = counts.get(path);
    return n == null ? 0 : n.get();
  }

  private void forward(HttpServerRequest in) {
    counts.computeIfAbsent(in.path(), p -> new AtomicInteger()).incrementAndGet();
    in.body().onSuccess(body -> vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      RequestOptions options = new RequestOptions().setMethod(in.method()).setHost("127.0.0.1").setPort(targetPort)
          .setURI(in.uri()).setHeaders(in.headers());
      client.request(options)
          .compose(out -> out.send(body == null ? Buffer.buffer() : body))
          .onSuccess(reply -> reply.body().onSuccess(content -> {
            in.response().setStatusCode(reply.statusCode()).headers().addAll(reply.headers());
            in.response().end(content);
          }))
          .onFailure(e -> in.response().setStatusCode(502).end());
    }));
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
