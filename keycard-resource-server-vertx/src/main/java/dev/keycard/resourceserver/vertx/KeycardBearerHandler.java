package dev.keycard.resourceserver.vertx;

import dev.keycard.core.token.AccessToken;
import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.KeycardResourceServer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * keycard's bearer check in front of Vert.x Web routes: a granted request goes on with its
 * {@link AccessToken} in the routing context under {@link #ACCESS_TOKEN}; any other is answered with
 * the library's status, headers and JSON body, exactly as keycard answers. The verdict is almost
 * always ready at once (keys and revocations are in memory) and then the request is answered on the
 * event loop without any hop; when it is not (an introspection, a key-set fetch), the request goes on
 * back on its own context once it is, and the event loop never waits.
 *
 * <pre>{@code
 * router.route("/api/*").handler(KeycardBearerHandler.create(keycard));
 * router.get("/api/orders").handler(KeycardBearerHandler.create(keycard, "orders:read")).handler(...);
 * }</pre>
 */
public final class KeycardBearerHandler implements Handler<RoutingContext> {
  /** The routing-context key of the granted request's {@link AccessToken}. */
  public static final String ACCESS_TOKEN = AccessToken.class.getName();
  public static final String DEFAULT_REALM = "keycard";

  private final KeycardResourceServer keycard;
  private final String requiredScope;
  private final String realm;

  private KeycardBearerHandler(KeycardResourceServer keycard, String requiredScope, String realm) {
    this.keycard = Objects.requireNonNull(keycard, "keycard");
    this.requiredScope = requiredScope;
    this.realm = Objects.requireNonNull(realm, "realm");
  }

  /** Any valid token. */
  public static KeycardBearerHandler create(KeycardResourceServer keycard) {
    return new KeycardBearerHandler(keycard, null, DEFAULT_REALM);
  }

  /** A valid token holding {@code requiredScope}. */
  public static KeycardBearerHandler create(KeycardResourceServer keycard, String requiredScope) {
    return new KeycardBearerHandler(keycard, requiredScope, DEFAULT_REALM);
  }

  /** A valid token holding {@code requiredScope} (or any, when {@code null}), challenges naming {@code realm}. */
  public static KeycardBearerHandler create(KeycardResourceServer keycard, String requiredScope, String realm) {
    return new KeycardBearerHandler(keycard, requiredScope, realm);
  }

  @Override
  public void handle(RoutingContext ctx) {
    CompletableFuture<Access> verdict = keycard.authenticate(ctx.request().headers().getAll("Authorization"),
        requiredScope).toCompletableFuture();
    if (verdict.isDone()) {
      answer(ctx, verdict.join());
      return;
    }
    Context context = ctx.vertx().getOrCreateContext();
    // The library's futures never fail (an outage is an Unavailable verdict), but no request may go
    // unanswered if one ever did.
    verdict.whenComplete((access, failure) -> context.runOnContext(v -> answer(ctx,
        failure == null ? access : Access.UNAVAILABLE)));
  }

  private void answer(RoutingContext ctx, Access access) {
    if (access instanceof Access.Granted granted) {
      ctx.put(ACCESS_TOKEN, granted.token());
      ctx.next();
      return;
    }
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    for (Map.Entry<String, String> h : access.headers(realm).entrySet()) {
      response.putHeader(h.getKey(), h.getValue());
    }
    response.putHeader("Content-Type", "application/json").setStatusCode(access.status()).end(access.body());
  }
}
