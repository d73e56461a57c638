package dev.keycard.server.edge;

import dev.keycard.server.http.ListenerGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event loop's edge listener. Instances share one {@link Edge} (its cache and counters) and the
 * port; the edge has no router: one handler, no per-request routing cost.
 */
public final class EdgeVerticle extends VerticleBase {
  private final Edge edge;
  private final String host;
  private final int port;
  private final AtomicInteger boundPort;
  private final ListenerGuard guard;

  /** @param guard the listener's guard, shared by its instances (one connection count) */
  public EdgeVerticle(Edge edge, String host, int port, AtomicInteger boundPort, ListenerGuard guard) {
    this.edge = edge;
    this.host = host;
    this.port = port;
    this.boundPort = boundPort;
    this.guard = guard;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
        .setCompressionSupported(false)
        // Signed URLs are short; anything longer than this is not one of ours.
        .setMaxInitialLineLength(8192);
    return guard.guard(vertx.createHttpServer(guard.configure(options)))
        .requestHandler(edge)
        .listen()
        .onSuccess(server -> boundPort.set(server.actualPort()));
  }
}
