package dev.keycard.server.http;

import dev.keycard.server.stream.OriginPull;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** The Vert.x side of {@link OriginPull}: {@code GET|HEAD /origin/{stream}/{file}}, answered on the event loop. */
final class OriginPullEndpoints {
  private final OriginPull pull;

  OriginPullEndpoints(OriginPull pull) {
    this.pull = pull;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean getOrHead = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    switch (pull.answer(getOrHead, request.path(), request.getHeader(OriginPull.SECRET_HEADER))) {
      case OriginPull.Answer.Serve serve -> {
        if (serve.peakBitsPerSecond() > 0) {
          ctx.response().putHeader(OriginPull.PEAK_BANDWIDTH_HEADER, Long.toString(serve.peakBitsPerSecond()));
        }
        ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, serve.type().contentType())
            .putHeader(HttpHeaders.CACHE_CONTROL, serve.cacheControl())
            // Explicit, so a HEAD gets it too: Vert.x drops it otherwise.
            .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(serve.body().length()))
            .end(serve.body());
      }
      case OriginPull.Answer.Refuse refuse -> {
        if (refuse.status() == 405) {
          ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
        }
        Responses.noStore(ctx);
        Responses.error(ctx, refuse.status(), refuse.error(), refuse.description());
      }
    }
  }
}
