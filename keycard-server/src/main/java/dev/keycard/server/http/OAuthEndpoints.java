package dev.keycard.server.http;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.auth.ClientAuthentication;
import dev.keycard.core.auth.GrantResult;
import dev.keycard.core.auth.IntrospectionResult;
import dev.keycard.core.auth.OAuthError;
import dev.keycard.core.auth.RevocationResult;
import dev.keycard.core.auth.TokenGrant;
import dev.keycard.core.throttle.CredentialThrottle.Decision;
import dev.keycard.core.throttle.CredentialThrottle.Ticket;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.Services;
import dev.keycard.server.monitoring.AuthorizationEvents;
import dev.keycard.server.login.CredentialProtection;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The form-encoded OAuth endpoints: token (RFC 6749 §3.2: refresh_token and client_credentials
 * grants), revocation (RFC 7009) and introspection (RFC 7662).
 */
final class OAuthEndpoints {
  /** The routing-context key of an admitted client authentication's throttle ticket. */
  private static final String CLIENT_TICKET = "keycard.clientTicket";
  private final Vertx vertx;
  private final AuthorizationServer auth;
  private final CredentialProtection credentials;
  private final ClientAddresses clientAddresses;
  private final AuthorizationEvents events;
  private final SessionActivity activity;

  OAuthEndpoints(Vertx vertx, Services services, AuthorizationEvents events) {
    this.vertx = vertx;
    this.auth = services.authorizationServer();
    this.credentials = services.credentials();
    this.clientAddresses = services.clientAddresses();
    this.events = events;
    this.activity = services.admin() == null ? null : services.admin().activity();
  }

  /** {@code POST /oauth2/token}. */
  void token(RoutingContext ctx) {
    Optional<Request> request = read(ctx);
    if (request.isEmpty()) {
      return;
    }
    MultiMap form = request.get().form();
    ClientAuthentication client = request.get().client();
    String grantType = form.get("grant_type");
    if (grantType == null || grantType.isEmpty()) {
      Responses.oauthError(ctx, OAuthError.invalidRequest("grant_type is required"));
      return;
    }
    String scope = form.get("scope");
    switch (grantType) {
      case "refresh_token" -> throttled(ctx, client, () -> Blocking.run(vertx, ctx,
          () -> auth.refresh(client, form.get("refresh_token"), scope), r -> {
            switch (r) {
              case GrantResult.Granted g -> {
                events.granted(AuthorizationEvents.REFRESH_TOKEN, g.grant(), clientIp(ctx));
                SessionEndpoints.rememberDevice(activity, ctx, g.grant());
              }
              case GrantResult.Failed f -> events.refreshFailed(f, client == null ? null : client.clientId(), clientIp(ctx));
            }
            answerGrant(ctx, client, r);
          }));
      case "client_credentials" -> throttled(ctx, client, () -> Blocking.run(vertx, ctx,
          () -> auth.clientCredentials(client, scope), r -> {
            if (r instanceof GrantResult.Granted g) {
              events.granted(AuthorizationEvents.CLIENT_CREDENTIALS, g.grant(), clientIp(ctx));
            }
            answerGrant(ctx, client, r);
          }));
      default -> Responses.oauthError(ctx, OAuthError.unsupportedGrantType());
    }
  }

  /** {@code POST /oauth2/revoke}: 200 with an empty body whether or not the token was known (RFC 7009 §2.2). */
  void revoke(RoutingContext ctx) {
    read(ctx).ifPresent(request -> throttled(ctx, request.client(), () -> Blocking.run(vertx, ctx,
        () -> auth.revoke(request.client(), request.form().get("token"), request.form().get("token_type_hint")),
        result -> {
          switch (result) {
            case RevocationResult.Done d -> {
              events.revoked(d, request.client() == null ? null : request.client().clientId(), clientIp(ctx));
              succeeded(ctx);
              Responses.noStore(ctx);
              ctx.response().setStatusCode(200).end();
            }
            case RevocationResult.Failed f -> answerError(ctx, request.client(), f.error());
          }
        })));
  }

  /** {@code POST /oauth2/introspect}. */
  void introspect(RoutingContext ctx) {
    read(ctx).ifPresent(request -> throttled(ctx, request.client(), () -> Blocking.run(vertx, ctx,
        () -> auth.introspect(request.client(), request.form().get("token"), request.form().get("token_type_hint")),
        result -> {
          switch (result) {
            case IntrospectionResult.Introspected i -> {
              succeeded(ctx);
              Responses.noStore(ctx);
              Responses.json(ctx, 200, new JsonObject(i.response()));
            }
            case IntrospectionResult.Failed f -> answerError(ctx, request.client(), f.error());
          }
        })));
  }

  /** RFC 6749 §5.1, shared with {@code /auth/login}. */
  static JsonObject tokenResponse(TokenGrant grant) {
    JsonObject body = new JsonObject()
        .put("access_token", grant.access().value())
        .put("token_type", "Bearer")
        .put("expires_in", grant.expiresInSeconds());
    if (grant.refreshToken() != null) {
      body.put("refresh_token", grant.refreshToken());
    }
    return body.put("scope", Scopes.format(grant.scopes()));
  }

  private record Request(MultiMap form, ClientAuthentication client) {}

  private static Optional<Request> read(RoutingContext ctx) {
    if (!Requests.requireMediaType(ctx, Requests.FORM)) {
      return Optional.empty();
    }
    Optional<MultiMap> form = Requests.form(ctx);
    if (form.isEmpty()) {
      return Optional.empty();
    }
    return switch (ClientCredentials.read(ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION), form.get())) {
      case ClientCredentials.Malformed m -> {
        Responses.oauthError(ctx, OAuthError.invalidRequest(m.description()));
        yield Optional.empty();
      }
      case ClientCredentials.Presented p -> Optional.of(new Request(form.get(), p.authentication()));
    };
  }

  private void answerGrant(RoutingContext ctx, ClientAuthentication client, GrantResult result) {
    switch (result) {
      case GrantResult.Granted g -> {
        succeeded(ctx);
        Responses.noStore(ctx);
        Responses.json(ctx, 200, tokenResponse(g.grant()));
      }
      case GrantResult.Failed f -> answerError(ctx, client, f.error());
    }
  }

  /**
   * Runs {@code attempt} unless the client's authentications (per client id and per address) are
   * throttled: RFC 7662 §4 asks for this at introspection, and the same guessing works at the token
   * and revocation endpoints. Only a request presenting a client secret is checked: there is nothing
   * to guess in a public client's request.
   */
  private void throttled(RoutingContext ctx, ClientAuthentication client, Runnable attempt) {
    if (client.secret() == null) {
      attempt.run();
      return;
    }
    String address = clientAddresses.of(ctx.request());
    Future.fromCompletionStage(credentials.throttle().beforeClientAuthentication(client.clientId(), address),
        vertx.getOrCreateContext()).onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          switch (ar.result()) {
            case Decision.Refuse r -> {
              credentials.clientAuthenticationThrottled(client.clientId(), address, r.limitedBy());
              SessionEndpoints.afterHold(vertx, credentials.refusalHold(), ctx,
                  () -> SessionEndpoints.throttled(ctx, r.retryAfter()));
            }
            case Decision.Proceed go when go.delay().isZero() -> {
              ctx.put(CLIENT_TICKET, go.ticket());
              attempt.run();
            }
            case Decision.Proceed go -> vertx.setTimer(go.delay().toMillis(), id -> {
              ctx.put(CLIENT_TICKET, go.ticket());
              if (!ctx.response().ended() && !ctx.response().closed()) {
                attempt.run();
              }
            });
          }
        });
  }

  /** An error answer; a failed client authentication is counted first. */
  private void answerError(RoutingContext ctx, ClientAuthentication client, OAuthError error) {
    Ticket ticket = ctx.get(CLIENT_TICKET);
    if ("invalid_client".equals(error.error())) {
      if (ticket != null) {
        credentials.throttle().clientAuthenticationFailed(ticket);
      }
      credentials.clientAuthenticationFailed(client.clientId(), clientAddresses.of(ctx.request()));
    } else {
      succeeded(ctx);
    }
    Responses.oauthError(ctx, error);
  }

  private String clientIp(RoutingContext ctx) {
    return clientAddresses.of(ctx.request());
  }

  /** The client authenticated (or presented nothing to check): its address becomes known to it. */
  private void succeeded(RoutingContext ctx) {
    Ticket ticket = ctx.get(CLIENT_TICKET);
    if (ticket != null) {
      credentials.throttle().clientAuthenticationSucceeded(ticket);
    }
  }
}
