package dev.keycard.server.http;

import dev.keycard.core.admin.Actor;
import dev.keycard.core.admin.Administration;
import dev.keycard.core.admin.SessionRevocation;
import dev.keycard.core.admin.SessionView;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.Services;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * A person's own login sessions under {@code /api/v1/sessions}, with any valid token of theirs (no
 * admin scope): the list (where and when each was last used, {@code "current": true} for the
 * session of the request), ending one, and "sign out everywhere". The decisions are the core's
 * {@link Administration}, as for the admin API; a session of another account is 404 like one that
 * does not exist. Ending the request's own session through its cookie also clears the cookies.
 */
final class AccountSessionEndpoints {
  static final String PATH = "/api/v1/sessions";

  private final Vertx vertx;
  private final Administration admin;
  private final ClientAddresses addresses;
  private final BearerGuard guard;
  private final Services services;

  AccountSessionEndpoints(Vertx vertx, Services services, BearerGuard guard) {
    this.vertx = vertx;
    this.admin = services.admin();
    this.addresses = services.clientAddresses();
    this.guard = guard;
    this.services = services;
  }

  void mount(Router router) {
    router.route(PATH).method(HttpMethod.GET)
        .handler(new RequestDeadline(services.config().limits().requestTimeout(), path -> false));
    router.get(PATH).handler(ctx -> guard.check(ctx, null, this::list));
    router.delete(PATH).handler(ctx -> guard.check(ctx, null, this::endAll));
    router.delete(PATH + "/:sid").handler(ctx -> guard.check(ctx, null, this::end));
  }

  private void list(RoutingContext ctx, AccessToken token) {
    Blocking.run(vertx, ctx, () -> admin.sessionsOf(actor(ctx, token), token.subject()), sessions -> {
      JsonArray list = new JsonArray();
      for (SessionView s : sessions.orElseGet(List::of)) {
        list.add(AdminEndpoints.session(s).put("current", s.sessionId().equals(token.sessionId())));
      }
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject().put("sessions", list));
    });
  }

  private void endAll(RoutingContext ctx, AccessToken token) {
    Blocking.run(vertx, ctx, () -> admin.revokeAllSessions(actor(ctx, token), token.subject()), revoked -> {
      JsonArray ids = new JsonArray();
      revoked.ifPresent(families -> families.stream().map(RefreshTokenFamily::id).forEach(ids::add));
      if (BearerGuard.byCookie(ctx)) {
        SessionCookies.clear(ctx.response());
      }
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject().put("revoked_sessions", ids));
    });
  }

  private void end(RoutingContext ctx, AccessToken token) {
    String sid = ctx.pathParam("sid");
    Blocking.run(vertx, ctx, () -> admin.revokeOwnSession(actor(ctx, token), sid), result -> {
      Responses.noStore(ctx);
      switch (result) {
        case SessionRevocation.Revoked r -> {
          if (BearerGuard.byCookie(ctx) && sid.equals(token.sessionId())) {
            SessionCookies.clear(ctx.response());
          }
          Responses.json(ctx, 200, new JsonObject().put("sid", sid).put("revoked", true));
        }
        case SessionRevocation.Unknown u -> Responses.error(ctx, 404, "unknown_session", "No session of yours has this id");
      }
    });
  }

  private Actor actor(RoutingContext ctx, AccessToken token) {
    return AdminEndpoints.actor(addresses, ctx, token);
  }
}
