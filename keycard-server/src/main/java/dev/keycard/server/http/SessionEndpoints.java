package dev.keycard.server.http;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.auth.GrantResult;
import dev.keycard.core.auth.OAuthError;
import dev.keycard.core.auth.TokenGrant;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.throttle.CredentialThrottle;
import dev.keycard.core.throttle.CredentialThrottle.Decision;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.Services;
import dev.keycard.server.monitoring.AuthorizationEvents;
import dev.keycard.server.login.CredentialProtection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Password login (JSON), logout, and {@code /api/v1/me}: the endpoints a person's session goes through. */
final class SessionEndpoints {
  /** How soon a login refused for a full hashing queue may try again: the queue drains within a second or so. */
  static final String BUSY_RETRY_AFTER_SECONDS = "1";

  private final Vertx vertx;
  private final AuthorizationServer auth;
  private final CredentialProtection credentials;
  private final ClientAddresses clientAddresses;
  private final AuthorizationEvents events;
  /** Where a session's device is remembered for the session lists, or {@code null}. */
  private final SessionActivity activity;

  SessionEndpoints(Vertx vertx, Services services, AuthorizationEvents events) {
    this.vertx = vertx;
    this.auth = services.authorizationServer();
    this.credentials = services.credentials();
    this.clientAddresses = services.clientAddresses();
    this.events = events;
    this.activity = services.admin() == null ? null : services.admin().activity();
  }

  /**
   * {@code POST /auth/login} with {@code {"username","password"}} (and optionally {@code "scope"}). A
   * wrong user and a wrong password get the same 401 body; the core spends the same Argon2id time on
   * both. The attempt is throttled first ({@link CredentialThrottle}): a refused attempt is answered
   * 429 after the refusal hold, a delayed one waits on a timer (no thread is held), and only then is its
   * password checked, on the bounded hashing pool (503, after the hold, when its queue is full).
   */
  void login(RoutingContext ctx) {
    login(ctx, (c, grant) -> Responses.json(c, 200, OAuthEndpoints.tokenResponse(grant)));
  }

  /**
   * The same login, answered by {@code granted} when the password was right (after {@code no-store}
   * is set): the tokens in the body, or in cookies.
   */
  void login(RoutingContext ctx, BiConsumer<RoutingContext, TokenGrant> granted) {
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
      String address = clientAddresses.of(ctx.request());
      Context context = vertx.getOrCreateContext();
      Future.fromCompletionStage(credentials.throttle().beforeLogin(u, address), context).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        switch (ar.result()) {
          case Decision.Refuse r -> {
            credentials.loginThrottled(u, address, r.limitedBy());
            afterHold(vertx, credentials.refusalHold(), ctx, () -> throttled(ctx, r.retryAfter()));
          }
          case Decision.Proceed go when go.delay().isZero() ->
              attempt(ctx, context, u, p, (String) scope, address, go, granted);
          case Decision.Proceed go -> vertx.setTimer(go.delay().toMillis(),
              id -> attempt(ctx, context, u, p, (String) scope, address, go, granted));
        }
      });
    });
  }

  private void attempt(RoutingContext ctx, Context context, String username, String password, String scope,
      String address, Decision.Proceed go, BiConsumer<RoutingContext, TokenGrant> granted) {
    if (ctx.response().ended() || ctx.response().closed()) {
      credentials.throttle().loginNotAttempted(go.ticket());
      return; // the client went away (or a deadline answered) while the attempt was delayed
    }
    boolean queued = credentials.hashing().submit(context,
        () -> !ctx.response().ended() && !ctx.response().closed(),
        () -> auth.login(username, password, scope), outcome -> {
      if (outcome.failure() != null) {
        credentials.throttle().loginNotAttempted(go.ticket());
        if (!ctx.response().ended() && !ctx.response().closed()) {
          ctx.fail(outcome.failure());
        }
        return;
      }
      GrantResult result = outcome.result();
      // Recorded even when the client has gone: the password was checked either way.
      switch (result) {
        case GrantResult.Granted g -> {
          credentials.throttle().loginSucceeded(go.ticket());
          credentials.loginSucceeded(username, address);
          events.granted(AuthorizationEvents.PASSWORD, g.grant(), address);
          rememberDevice(activity, ctx, g.grant());
        }
        case GrantResult.Failed f when f.error().equals(OAuthError.invalidCredentials()) ->
            credentials.loginFailed(username, address);
        case GrantResult.Failed f -> { }
      }
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      switch (result) {
        case GrantResult.Granted g -> {
          Responses.noStore(ctx);
          granted.accept(ctx, g.grant());
        }
        case GrantResult.Failed f -> {
          Responses.noStore(ctx);
          Responses.error(ctx, f.error().status(), f.error().error(), f.error().description());
        }
      }
    }, () -> credentials.throttle().loginNotAttempted(go.ticket()));
    if (!queued) {
      credentials.throttle().loginNotAttempted(go.ticket());
      credentials.loginBusy();
      afterHold(vertx, credentials.refusalHold(), ctx, () -> busy(ctx));
    }
  }

  /**
   * Answers a refused credential attempt (429, 503) once {@code hold} has passed, on a timer (no
   * thread waits): a client hammering the login endpoint gets one answer per connection and hold, so
   * a flood costs the event loops what its connections allow rather than all it can send, and the
   * other endpoints keep their latency (bench/logins.sh). A client gone meanwhile gets nothing.
   */
  static void afterHold(Vertx vertx, Duration hold, RoutingContext ctx, Runnable answer) {
    if (hold.isZero()) {
      answer.run();
      return;
    }
    vertx.setTimer(hold.toMillis(), id -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        answer.run();
      }
    });
  }

  /**
   * 429 for a throttled login or client authentication: the same answer whatever limited it (account,
   * address or client), so it says nothing about whether an account exists.
   */
  static void throttled(RoutingContext ctx, Duration retryAfter) {
    Responses.noStore(ctx);
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    Responses.error(ctx, 429, "too_many_requests",
        "Too many failed attempts; retry after the number of seconds in Retry-After");
  }

  /** 503 for a login that found the password-hashing queue full. */
  static void busy(RoutingContext ctx) {
    Responses.noStore(ctx);
    ctx.response().putHeader("Retry-After", BUSY_RETRY_AFTER_SECONDS);
    Responses.error(ctx, 503, "temporarily_unavailable", "Too many logins at once; retry later");
  }

  /**
   * Remembers the device ({@code User-Agent}) of the session a login or refresh belongs to, so the
   * session lists can tell a person's sessions apart; nothing for a grant without a session.
   */
  static void rememberDevice(SessionActivity activity, RoutingContext ctx, TokenGrant grant) {
    String sessionId = grant.access().claims().sessionId();
    if (activity != null && sessionId != null) {
      activity.signedInFrom(sessionId, ctx.request().getHeader("User-Agent"));
    }
  }

  /** {@code POST /auth/logout}: revokes the presented access token and its whole session. */
  void logout(RoutingContext ctx, AccessToken token) {
    logout(ctx, token, answer -> { });
  }

  /** The same logout, with {@code beforeAnswer} adding to the 204 (a cookie session clears its cookies). */
  void logout(RoutingContext ctx, AccessToken token, Consumer<HttpServerResponse> beforeAnswer) {
    Blocking.run(vertx, ctx, () -> {
      auth.logout(token);
      return null;
    }, done -> {
      events.loggedOut(token, clientAddresses.of(ctx.request()));
      beforeAnswer.accept(ctx.response());
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
