package dev.keycard.server.http;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.auth.GrantResult;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.monitoring.AuthorizationEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Password login (JSON), logout, and {@code /api/v1/me}: the endpoints a person's session goes through. */
final class SessionEndpoints {
  private final Vertx vertx;
  private final AuthorizationServer auth;
  private final AuthorizationEvents events;
  private final ClientAddresses clientAddresses;

  SessionEndpoints(Vertx vertx, AuthorizationServer auth, AuthorizationEvents events, ClientAddresses clientAddresses) {
    this.vertx = vertx;
    this.auth = auth;
    this.events = events;
    this.clientAddresses = clientAddresses;
  }

  /**
   * {@code POST /auth/login} with {@code {"username","password"}} (and optionally {@code "scope"}). A
   * wrong user and a wrong password get the same 401 body; the core spends the same Argon2id time on
   * both.
   */
  void login(RoutingContext ctx) {
    if (!Requests.requireMediaType(ctx, Responses.JSON)) {
      return;
    }
    Requests.jsonObject(ctx).ifPresent(body -> {
      Object username = body.getValue("username");
      Object password = body.getValue("password");
      Object scope = body.getValue("scope");
      if (!(username instanceof String u) || !(password instanceof String p)) {
        Responses.invalidRequest(ctx, "username and password are required strings");
        return;
      }
      if (scope != null && !(scope instanceof String)) {
        Responses.invalidRequest(ctx, "scope must be a string");
        return;
      }
      Blocking.run(vertx, ctx, () -> auth.login(u, p, (String) scope), result -> {
        switch (result) {
          case GrantResult.Granted g -> {
            events.granted(AuthorizationEvents.PASSWORD, g.grant(), clientAddresses.of(ctx.request()));
            Responses.noStore(ctx);
            Responses.json(ctx, 200, OAuthEndpoints.tokenResponse(g.grant()));
          }
          case GrantResult.Failed f -> {
            Responses.noStore(ctx);
            Responses.error(ctx, f.error().status(), f.error().error(), f.error().description());
          }
        }
      });
    });
  }

  /** {@code POST /auth/logout}: revokes the presented access token and its whole session. */
  void logout(RoutingContext ctx, AccessToken token) {
    Blocking.run(vertx, ctx, () -> {
      auth.logout(token);
      return null;
    }, done -> {
      events.loggedOut(token, clientAddresses.of(ctx.request()));
      Responses.noStore(ctx);
      ctx.response().setStatusCode(204).end();
    });
  }

  /** {@code GET /api/v1/me}: who the token speaks for. */
  void me(RoutingContext ctx, AccessToken token) {
    Responses.noStore(ctx);
    Responses.json(ctx, 200, new JsonObject()
        .put("sub", token.subject())
        .put("scope", token.scope())
        .put("client_id", token.clientId())
        .put("exp", token.expiresAt().getEpochSecond()));
  }
}
