package dev.keycard.server.http;

import dev.keycard.core.StoreUnavailableException;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.Services;
import dev.keycard.server.config.Roles;
import dev.keycard.server.monitoring.AuthorizationEvents;
import dev.keycard.server.monitoring.StreamEvents;
import dev.keycard.server.stream.IngestPath;
import dev.keycard.server.stream.OriginPull;
import dev.keycard.server.stream.Streaming;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keycard's HTTP API as a plain function from services to a router, so tests and the verticle build
 * it the same way.
 *
 * <p>Every error is JSON; nothing from an exception reaches a body. A store outage is 503, never a
 * credential error (spring-security #7826).
 */
public final class Routes {
  /** The realm of every {@code WWW-Authenticate} challenge. */
  public static final String REALM = "keycard";
  /** Request bodies larger than this are refused with 413: no endpoint needs more. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private static final String DECODING = "keycard.decoding";
  /** The paths whose bodies stream (ingest) rather than being buffered by a BodyHandler. */
  private static final String INGEST = "/ingest/";

  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  /** The {@code Retry-After} of a 503 for a store outage. */
  static final String STORE_RETRY_AFTER_SECONDS = "5";

  private Routes() {}

  public static Router routes(Vertx vertx, Services services) {
    return routes(vertx, services, null);
  }

  /**
   * @param streaming the live-delivery routes' services (stream-start, stream registration, ingest),
   *                  or {@code null} for a server without them
   */
  public static Router routes(Vertx vertx, Services services, Streaming streaming) {
    return routes(vertx, services, streaming, Roles.ALL);
  }

  /**
   * @param roles which of the listener's route sets to serve: the API's (tokens, stream-start, stream
   *              keys) and the origin's (ingest, ingest status, origin pull); {@code /health} always
   */
  public static Router routes(Vertx vertx, Services services, Streaming streaming, Roles roles) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ListenerTls.strictTransport(ctx.request());
      // Checked first: Vert.x's own query parsing throws on bad encoding, quoting the URI in its logs.
      if (Requests.queryNames(ctx).isEmpty()) {
        Responses.invalidRequest(ctx, "The query string is malformed");
        return;
      }
      ctx.next();
    });
    // A request is answered whoever is slow: 408 and close for a body that stops arriving, 503 for a
    // store that hangs. Only the methods that carry bodies or do blocking work get the timer: GETs are
    // answered on the event loop, and a timer per request measurably slowed the bearer-protected GET
    // path under wrk. Uploads stream (a segment may be 32 MiB): they only have to keep arriving.
    router.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.DELETE)
        .handler(new RequestDeadline(services.config().limits().requestTimeout(), path -> path.startsWith(INGEST)));
    var events = AuthorizationEvents.of(services);
    var oauth = new OAuthEndpoints(vertx, services, events);
    var session = new SessionEndpoints(vertx, services, events);
    var discovery = new DiscoveryEndpoints(services.keys(), services.config());
    var guard = new BearerGuard(vertx, services);

    router.get("/health").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "ok")));
    if (services.readiness() != null) {
      var health = new HealthEndpoints(vertx, services.readiness());
      router.get("/health/live").handler(health::live);
      router.get("/health/ready").handler(health::ready);
    }
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false)
        .setMergeFormAttributes(false);
    if (roles.api()) {
      router.get("/.well-known/jwks.json").handler(discovery::jwks);
      router.get("/.well-known/oauth-authorization-server").handler(discovery::metadata);
      router.get("/api/v1/me").handler(ctx -> guard.check(ctx, null, session::me));
      // Forward authentication for gateways: any method, since a gateway may forward the original one.
      router.route(ForwardAuthEndpoints.PATH).handler(new ForwardAuthEndpoints(guard)::verify);

      router.route().handler(Routes::decodingBody);
      router.post("/auth/login").handler(body).handler(Routes::bodyDecoded).handler(session::login);
      router.post("/auth/logout").handler(ctx -> guard.check(ctx, null, session::logout));
      router.post("/oauth2/token").handler(body).handler(Routes::bodyDecoded).handler(oauth::token);
      router.post("/oauth2/revoke").handler(body).handler(Routes::bodyDecoded).handler(oauth::revoke);
      router.post("/oauth2/introspect").handler(body).handler(Routes::bodyDecoded)
          .handler(oauth::introspect);
      if (services.csrf() != null) {
        var cookies = new CookieSessionEndpoints(vertx, services, session, events);
        router.post(CookieSessionEndpoints.PATH).handler(body).handler(Routes::bodyDecoded).handler(cookies::login);
        router.get(CookieSessionEndpoints.PATH).handler(ctx -> guard.check(ctx, null, cookies::current));
        router.get(SessionCookies.REFRESH_PATH)
            .handler(new RequestDeadline(services.config().limits().requestTimeout(), path -> false))
            .handler(cookies::csrfOfRefreshCookie);
        router.post(SessionCookies.REFRESH_PATH).handler(cookies::refresh);
        router.post(CookieSessionEndpoints.PATH + "/logout").handler(ctx -> guard.check(ctx, null, cookies::logout));
      }
      if (services.revocationFeed() != null) {
        new RevocationEndpoints(vertx, services.revocationFeed(), guard, services.config().limits().requestTimeout())
            .mount(router);
      }
      var anomalies = new AnomalyEndpoints(services.anomalies());
      router.get("/api/v1/admin/anomalies").handler(ctx -> guard.check(ctx, Scopes.ADMIN, anomalies::list));
    }

    if (services.admin() != null && roles.api()) {
      new AdminEndpoints(vertx, services, guard).mount(router);
      new AccountSessionEndpoints(vertx, services, guard).mount(router);
      if (services.operatorHistory() != null) {
        var operator = new OperatorEndpoints(services.operatorHistory(), services.admin().activity(), streaming,
            services.monitoring().meters());
        router.get(AdminEndpoints.PREFIX + "overview").handler(ctx -> guard.check(ctx, Scopes.ADMIN, operator::overview));
      }
    }

    if (streaming != null && roles.api()) {
      var streams = new StreamEndpoints(vertx, streaming,
          new StreamEvents(services.monitoring(), services.authorizationServer().clock()), services.clientAddresses(),
          services.admin() == null ? null : services.admin().activity());
      router.post("/api/v1/stream/start").handler(body).handler(Routes::bodyDecoded)
          .handler(ctx -> guard.check(ctx, null, streams::start));
      router.post("/api/v1/streams").handler(body).handler(Routes::bodyDecoded)
          .handler(ctx -> guard.check(ctx, null, streams::register));
      router.get("/api/v1/streams").handler(ctx -> guard.check(ctx, null,
          (c, token) -> streams.list(c, token, roles.origin())));
      // A stream's publisher: its stream keys.
      var publishing = new PublishingEndpoints(vertx, streaming);
      router.post("/api/v1/streams/:id/keys").handler(body).handler(Routes::bodyDecoded)
          .handler(ctx -> guard.check(ctx, null, publishing::issueKey));
      router.get("/api/v1/streams/:id/keys").handler(ctx -> guard.check(ctx, null, publishing::listKeys));
      router.delete("/api/v1/streams/:id/keys/:key_id").handler(ctx -> guard.check(ctx, null, publishing::revokeKey));
    }
    if (streaming != null && roles.origin()) {
      var ingest = new IngestEndpoints(vertx, streaming, guard);
      // No BodyHandler: ingest reads (and bounds) each upload itself, per file type.
      router.route("/ingest/*").handler(ingest::handle);
      // What nginx, CDNs and edge-only instances pull, authenticated by the origin secret; 404 when none is configured.
      router.route(OriginPull.PREFIX + "*").handler(new OriginPullEndpoints(streaming.originPull())::handle);
      // The ingest status: only the origin sees the uploads.
      var publishing = new PublishingEndpoints(vertx, streaming);
      router.get("/api/v1/streams/:id").handler(ctx -> guard.check(ctx, null, publishing::status));
    }

    if (roles.api() && services.csrf() != null) {
      // The web player signs in with cookies: without cookie sessions it has nothing to sign in with.
      new WebPages(streaming == null ? null : streaming.edgeBaseUrl()).mount(router);
    }

    router.route().failureHandler(Routes::failure);
    // A path parameter with bad percent-encoding (/api/v1/admin/sessions/%ZZ) fails before any route.
    router.errorHandler(400, ctx -> Responses.invalidRequest(ctx, "The request path is malformed"));
    router.errorHandler(404, ctx -> Responses.error(ctx, 404, "not_found", "No such resource"));
    router.errorHandler(405, ctx -> Responses.error(ctx, 405, "method_not_allowed",
        "The method is not allowed for this resource"));
    router.errorHandler(413, ctx -> Responses.error(ctx, 413, "invalid_request", "The request body is too large"));
    router.errorHandler(415, ctx -> Responses.error(ctx, 415, "invalid_request", "Unsupported Content-Type"));
    router.errorHandler(500, Routes::failure);
    return router;
  }

  /**
   * Marks the body as being decoded: Vert.x (Netty) decodes form bodies itself and fails the request
   * with an exception on bad percent-encoding or an empty name, which is the client's error (400),
   * not ours. Their messages quote the input, so they are neither answered nor logged.
   */
  private static void decodingBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.regionMatches(true, 0, Requests.FORM, 0, Requests.FORM.length())) {
      ctx.put(DECODING, Boolean.TRUE);
    }
    ctx.next();
  }

  private static void bodyDecoded(RoutingContext ctx) {
    ctx.remove(DECODING);
    ctx.next();
  }

  private static void failure(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return; // answered already (a deadline's 408 or 503, whose close failed the body), or no one to answer
    }
    if (response.headWritten()) {
      // Nothing can be added to an answer already started: closing tells the client it is incomplete.
      ctx.request().connection().close();
      return;
    }
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof StoreUnavailableException) {
      log.warn("store unavailable on {} {}: {}", ctx.request().method(), IngestPath.redact(ctx.request().path()),
          failure.getCause() == null ? "" : failure.getCause().getClass().getSimpleName());
      Responses.noStore(ctx);
      // RFC 9110 §10.2.3: when to try again. A few seconds: an outage is noticed within the database's
      // connection timeout, and a database back again is used at once.
      response.putHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
      Responses.error(ctx, 503, "temporarily_unavailable", "A backing store is unavailable; retry later");
      return;
    }
    if (Boolean.TRUE.equals(ctx.get(DECODING))) {
      // A field over the decoder's limit (HttpServerOptions.maxFormAttributeSize) fails as an
      // IOException from the decoder's memory store, or as TooLongFormFieldException.
      if (failure instanceof IOException || failure instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
        Responses.noStore(ctx);
        Responses.error(ctx, 413, "invalid_request", "A form field is too large");
        return;
      }
      if (failure instanceof DecoderException || failure instanceof IllegalArgumentException) {
        Responses.invalidRequest(ctx, "The form body is malformed");
        return;
      }
    }
    if (status >= 400 && status < 500) {
      // The client's error, whether or not it comes with an exception: Vert.x-web's router fails a
      // request whose Host is not a valid authority with 400 and an exception, for one.
      if (failure != null) {
        log.debug("client error {} on {} {}: {}", status, ctx.request().method(), ctx.request().path(),
            failure.getClass().getSimpleName());
      }
      Responses.noStore(ctx);
      switch (status) {
        case 404 -> Responses.error(ctx, 404, "not_found", "No such resource");
        case 405 -> Responses.error(ctx, 405, "method_not_allowed", "The method is not allowed for this resource");
        case 413 -> Responses.error(ctx, 413, "invalid_request", "The request body is too large");
        case 415 -> Responses.error(ctx, 415, "invalid_request", "Unsupported Content-Type");
        default -> Responses.error(ctx, status, "invalid_request",
            ctx.request().authority() == null ? "The Host header is missing or invalid" : "The request is invalid");
      }
      return;
    }
    // Request path only (a query string could hold a token), without a stream key.
    log.error("unexpected error on {} {}", ctx.request().method(), IngestPath.redact(ctx.request().path()), failure);
    Responses.noStore(ctx);
    Responses.error(ctx, 500, "server_error", "An unexpected error occurred");
  }
}
