package dev.keycard.server.http;

import dev.keycard.server.Services;
import dev.keycard.server.stream.Streaming;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event loop's HTTP server. Several instances listen on the same port and Vert.x spreads
 * connections across them; each builds its own router from the shared, thread-safe services.
 */
public final class HttpVerticle extends VerticleBase {
  private final Services services;
  private final AtomicInteger boundPort;
  private final Streaming streaming;

  /** @param boundPort receives the port actually bound (the configured one, or a random one for 0) */
  public HttpVerticle(Services services, AtomicInteger boundPort) {
    this(services, null, boundPort);
  }

  /** @param streaming the live-delivery routes' services, or {@code null} for none */
  public HttpVerticle(Services services, Streaming streaming, AtomicInteger boundPort) {
    this.services = services;
    this.streaming = streaming;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    int maxToken = services.config().maxTokenSize();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(services.config().host())
        .setPort(services.config().port())
        // Room for the largest bearer token we accept plus ordinary headers; larger gets 431.
        .setMaxHeaderSize(maxToken + 8192)
        .setCompressionSupported(false);
    return vertx.createHttpServer(options)
        .requestHandler(Routes.routes(vertx, services, streaming))
        .listen()
        .onSuccess(server -> boundPort.set(server.actualPort()));
  }
}
