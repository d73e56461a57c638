package dev.keycard.server.http;

import dev.keycard.core.auth.OAuthError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;
import io.vertx.ext.web.RoutingContext;

/** How every answer is written: JSON bodies, and {@code no-store} on anything that may carry a token. */
final class Responses {
  static final String JSON = "application/json";
  private static final CharSequence JSON_VALUE = HttpHeaders.createOptimized(JSON);
  /**
   * Vert.x's streaming Jackson codec, not its default: with jackson-databind on the class path the
   * default is the databind codec, which walks every body through ObjectMapper's generic map and key
   * serializers and returns a String to be encoded again. This one writes the same JSON (the bodies
   * hold only strings, numbers, booleans, lists and objects) straight into the response buffer. With
   * the bearer path's cache changes of the same build, bench/ab.sh measured {@code /health} at 1.08×
   * and {@code /api/v1/me} at 1.03× the build before.
   */
  private static final JsonCodec BODIES = new JacksonCodec();

  private Responses() {}

  /**
   * RFC 6749 §5.1 and RFC 6750 §5.3: responses with tokens (or about tokens) must not be cached,
   * by the browser or anything in between.
   */
  static void noStore(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      return; // too late for headers; whatever answers next must not throw here (it did, at every ingest)
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).putHeader(PRAGMA, NO_CACHE);
  }

  // Made once as Netty ASCII strings: every bearer-checked answer carries them.
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence PRAGMA = HttpHeaders.createOptimized("Pragma");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_VALUE).end(BODIES.toBuffer(body, false));
  }

  /** An error body in the RFC 6749 §5.2 shape, used for every error keycard writes. */
  static JsonObject error(String code, String description) {
    JsonObject body = new JsonObject().put("error", code);
    if (description != null) {
      body.put("error_description", description);
    }
    return body;
  }

  static void error(RoutingContext ctx, int status, String code, String description) {
    json(ctx, status, error(code, description));
  }

  /** An OAuth error; {@code invalid_client} gets the challenge RFC 6749 §5.2 requires with its 401. */
  static void oauthError(RoutingContext ctx, OAuthError error) {
    noStore(ctx);
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + Routes.REALM + "\"");
    }
    error(ctx, error.status(), error.error(), error.description());
  }

  static void invalidRequest(RoutingContext ctx, String description) {
    noStore(ctx);
    error(ctx, 400, "invalid_request", description);
  }
}
