package dev.keycard.server.http;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.User;
import dev.keycard.core.admin.Actor;
import dev.keycard.core.admin.Administration;
import dev.keycard.core.admin.SessionRevocation;
import dev.keycard.core.admin.SessionView;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.session.SessionActivity.ActiveStream;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.Services;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The administration API under {@code /api/v1/admin/}: a user's login sessions, revoking one or all
 * of them, users and clients listed and removed. Every route needs a bearer token with
 * {@link Scopes#ADMIN}, which no one has until an operator grants it (403 {@code insufficient_scope}
 * otherwise, RFC 6750 §3.1). The decisions (and their audit events) are the core's
 * {@link Administration}, on a worker (they read and write the store); this only maps HTTP onto them.
 * Bodies are JSON and never hold a password hash or a client secret hash. Instants are epoch seconds,
 * as elsewhere in the API.
 */
final class AdminEndpoints {
  static final String PREFIX = "/api/v1/admin/";

  private final Vertx vertx;
  private final Administration admin;
  private final ClientAddresses addresses;
  private final BearerGuard guard;
  private final Services services;

  AdminEndpoints(Vertx vertx, Services services, BearerGuard guard) {
    this.vertx = vertx;
    this.admin = services.admin();
    this.addresses = services.clientAddresses();
    this.guard = guard;
    this.services = services;
  }

  void mount(Router router) {
    // The GETs read the store too: a store that hangs gets them a 503 like the DELETEs (which Routes times).
    router.route(PREFIX + "*").method(HttpMethod.GET)
        .handler(new RequestDeadline(services.config().limits().requestTimeout(), path -> false));
    router.get(PREFIX + "users").handler(ctx -> admin(ctx, this::users));
    router.delete(PREFIX + "users/:name").handler(ctx -> admin(ctx, this::removeUser));
    router.get(PREFIX + "users/:name/sessions").handler(ctx -> admin(ctx, this::sessions));
    router.delete(PREFIX + "users/:name/sessions").handler(ctx -> admin(ctx, this::revokeAll));
    router.delete(PREFIX + "sessions/:sid").handler(ctx -> admin(ctx, this::revokeSession));
    router.get(PREFIX + "clients").handler(ctx -> admin(ctx, this::clients));
    router.delete(PREFIX + "clients/:id").handler(ctx -> admin(ctx, this::removeClient));
  }

  private void admin(RoutingContext ctx, BiConsumer<RoutingContext, Actor> then) {
    guard.check(ctx, Scopes.ADMIN, (c, token) -> then.accept(c, actor(addresses, c, token)));
  }

  /** Who acts through the API: the token's subject, from the request's client address. */
  static Actor actor(ClientAddresses addresses, RoutingContext ctx, AccessToken token) {
    return new Actor(token.subject(), token.clientId(), token.sessionId(), addresses.of(ctx.request()), "api");
  }

  private void users(RoutingContext ctx, Actor actor) {
    Blocking.run(vertx, ctx, () -> admin.users(actor), users -> {
      JsonArray list = new JsonArray();
      for (User u : users) {
        list.add(new JsonObject().put("username", u.username()).put("scope", Scopes.format(u.scopes()))
            .put("created_at", seconds(u.createdAt())));
      }
      ok(ctx, new JsonObject().put("users", list));
    });
  }

  private void removeUser(RoutingContext ctx, Actor actor) {
    String name = ctx.pathParam("name");
    Blocking.run(vertx, ctx, () -> admin.removeUser(actor, name), revoked -> {
      if (revoked.isEmpty()) {
        unknownUser(ctx);
        return;
      }
      ok(ctx, new JsonObject().put("username", name).put("removed", true)
          .put("revoked_sessions", sessionIds(revoked.get())));
    });
  }

  private void sessions(RoutingContext ctx, Actor actor) {
    String name = ctx.pathParam("name");
    Blocking.run(vertx, ctx, () -> admin.sessionsOf(actor, name), sessions -> {
      if (sessions.isEmpty()) {
        unknownUser(ctx);
        return;
      }
      JsonArray list = new JsonArray();
      for (SessionView s : sessions.get()) {
        list.add(session(s));
      }
      ok(ctx, new JsonObject().put("username", name).put("sessions", list));
    });
  }

  private void revokeAll(RoutingContext ctx, Actor actor) {
    String name = ctx.pathParam("name");
    Blocking.run(vertx, ctx, () -> admin.revokeAllSessions(actor, name), revoked -> {
      if (revoked.isEmpty()) {
        unknownUser(ctx);
        return;
      }
      ok(ctx, new JsonObject().put("username", name).put("revoked_sessions", sessionIds(revoked.get())));
    });
  }

  private void revokeSession(RoutingContext ctx, Actor actor) {
    String sid = ctx.pathParam("sid");
    Blocking.run(vertx, ctx, () -> admin.revokeSession(actor, sid), result -> {
      switch (result) {
        case SessionRevocation.Revoked r -> ok(ctx, new JsonObject().put("sid", r.session().id())
            .put("username", r.session().subject()).put("revoked", true));
        case SessionRevocation.Unknown u -> notFound(ctx, "unknown_session", "No session has this id");
      }
    });
  }

  private void clients(RoutingContext ctx, Actor actor) {
    Blocking.run(vertx, ctx, () -> admin.clients(actor), clients -> {
      JsonArray list = new JsonArray();
      for (Client c : clients) {
        list.add(new JsonObject().put("client_id", c.clientId()).put("confidential", c.confidential())
            .put("scope", Scopes.format(c.scopes())).put("created_at", seconds(c.createdAt())));
      }
      ok(ctx, new JsonObject().put("clients", list));
    });
  }

  private void removeClient(RoutingContext ctx, Actor actor) {
    String id = ctx.pathParam("id");
    Blocking.run(vertx, ctx, () -> admin.removeClient(actor, id), removed -> {
      if (!removed) {
        notFound(ctx, "unknown_client", "No client has this id");
        return;
      }
      ok(ctx, new JsonObject().put("client_id", id).put("removed", true));
    });
  }

  static JsonObject session(SessionView s) {
    JsonArray streams = new JsonArray();
    for (ActiveStream a : s.activeStreams()) {
      streams.add(new JsonObject().put("stream_id", a.streamId()).put("started_at", seconds(a.startedAt()))
          .put("live_until", seconds(a.liveUntil())));
    }
    return new JsonObject()
        .put("sid", s.sessionId())
        .put("client_id", s.clientId())
        .put("scope", Scopes.format(s.scopes()))
        .put("created_at", seconds(s.createdAt()))
        .put("expires_at", seconds(s.expiresAt()))
        .put("last_used", seconds(s.lastUsed()))
        .put("last_ip", s.lastClientIp())
        .put("country", s.country())
        .put("device", s.device())
        .put("active_streams", streams);
  }

  private static JsonArray sessionIds(List<RefreshTokenFamily> families) {
    JsonArray ids = new JsonArray();
    families.forEach(f -> ids.add(f.id()));
    return ids;
  }

  private static Long seconds(Instant instant) {
    return Optional.ofNullable(instant).map(Instant::getEpochSecond).orElse(null);
  }

  private static void ok(RoutingContext ctx, JsonObject body) {
    Responses.noStore(ctx);
    Responses.json(ctx, 200, body);
  }

  private static void unknownUser(RoutingContext ctx) {
    notFound(ctx, "unknown_user", "No user has this name");
  }

  private static void notFound(RoutingContext ctx, String code, String description) {
    Responses.noStore(ctx);
    Responses.error(ctx, 404, code, description);
  }
}
