package dev.keycard.server.http;

import dev.keycard.server.Services;
import dev.keycard.server.config.Roles;
import dev.keycard.server.stream.Streaming;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;

/**
 * One event loop's HTTP server. Several instances listen on the same port and Vert.x spreads
 * connections across them; each builds its own router from the shared, thread-safe services.
 */
public final class HttpVerticle extends VerticleBase {
  private final Services services;
  private final int port;
  private final Streaming streaming;
  private final ListenerGuard guard;
  private final Roles roles;

  public HttpVerticle(Services services, Streaming streaming, int port, ListenerGuard guard) {
    this(services, streaming, port, guard, Roles.ALL);
  }

  /**
   * @param streaming the live-delivery routes' services, or {@code null} for none
   * @param port      the port to listen on; every instance gets the same one, so they share it
   * @param guard     the listener's guard, shared by its instances (one connection count)
   * @param roles     which routes to serve: the API's, the origin's, or both
   */
  public HttpVerticle(Services services, Streaming streaming, int port, ListenerGuard guard, Roles roles) {
    this.services = services;
    this.streaming = streaming;
    this.port = port;
    this.guard = guard;
    this.roles = roles;
  }

  @Override
  public Future<?> start() {
    int maxToken = services.config().maxTokenSize();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(services.config().host())
        .setPort(port)
        // Room for the largest bearer token we accept plus ordinary headers; larger gets 431.
        .setMaxHeaderSize(maxToken + 8192)
        // No form field needs to be larger than the largest token; a larger one is refused with 413.
        .setMaxFormAttributeSize(maxToken)
        .setCompressionSupported(false);
    return guard.guard(vertx.createHttpServer(guard.configure(options)))
        .requestHandler(Routes.routes(vertx, services, streaming, roles))
        .listen();
  }
}
