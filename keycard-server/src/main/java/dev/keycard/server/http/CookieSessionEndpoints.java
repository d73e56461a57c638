package dev.keycard.server.http;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.auth.ClientAuthentication;
import dev.keycard.core.auth.GrantResult;
import dev.keycard.core.auth.TokenGrant;
import dev.keycard.core.csrf.CsrfTokens;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.Services;
import dev.keycard.server.monitoring.AuthorizationEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Browser sessions kept in cookies ({@link SessionCookies}) rather than in script: the same login,
 * refresh with rotation and logout as the token endpoints, but no token is ever in a body. Each
 * answer carries the session's CSRF token instead, which the page sends back in
 * {@value CsrfCheck#HEADER} with every state-changing request ({@link CsrfCheck}).
 * <ul>
 *   <li>{@code POST /auth/session}: JSON credentials, as {@code /auth/login}; sets both cookies.</li>
 *   <li>{@code GET /auth/session}: who the access cookie speaks for, and the CSRF token.</li>
 *   <li>{@code GET /auth/session/refresh}: the CSRF token of the refresh cookie's session, for a page
 *       whose access cookie has expired (a reload after a pause) and that holds no CSRF token.</li>
 *   <li>{@code POST /auth/session/refresh}: rotates the refresh token and sets both cookies again.</li>
 *   <li>{@code POST /auth/session/logout}: revokes the session and clears both cookies.</li>
 * </ul>
 * A login request must come from keycard's own origin too: otherwise another site could sign the
 * browser into an account of its choosing (login CSRF).
 */
final class CookieSessionEndpoints {
  static final String PATH = "/auth/session";

  private final Vertx vertx;
  private final AuthorizationServer auth;
  private final CsrfTokens csrf;
  private final SessionEndpoints sessions;
  private final AuthorizationEvents events;
  private final ClientAddresses addresses;
  private final Duration refreshLife;
  private final SessionActivity activity;

  CookieSessionEndpoints(Vertx vertx, Services services, SessionEndpoints sessions, AuthorizationEvents events) {
    this.vertx = vertx;
    this.auth = services.authorizationServer();
    this.csrf = services.csrf();
    this.sessions = sessions;
    this.events = events;
    this.addresses = services.clientAddresses();
    this.refreshLife = services.config().refreshIdleTtl();
    this.activity = services.admin() == null ? null : services.admin().activity();
  }

  /** {@code POST /auth/session}. */
  void login(RoutingContext ctx) {
    String crossOrigin = CsrfCheck.crossOrigin(ctx.request());
    if (crossOrigin != null) {
      CsrfCheck.refuse(ctx, crossOrigin);
      return;
    }
    sessions.login(ctx, this::granted);
  }

  /**
   * {@code GET /auth/session}, behind the bearer guard (the access cookie). {@code expires_in} is
   * relative, so a page can time its refresh without trusting the browser's clock.
   */
  void current(RoutingContext ctx, AccessToken token) {
    long left = Math.max(0, Duration.between(auth.clock().instant(), token.expiresAt()).toSeconds());
    Responses.noStore(ctx);
    Responses.json(ctx, 200, new JsonObject()
        .put("sub", token.subject())
        .put("scope", token.scope())
        .put("expires_in", left)
        .put("csrf_token", token.sessionId() == null ? null : csrf.issue(token.sessionId())));
  }

  /** {@code GET /auth/session/refresh}: reads the store, changes nothing. */
  void csrfOfRefreshCookie(RoutingContext ctx) {
    String refresh = SessionCookies.refresh(ctx.request());
    if (refresh == null) {
      noSession(ctx);
      return;
    }
    Blocking.run(vertx, ctx, () -> auth.sessionOf(refresh).filter(f -> !f.revoked()), family -> {
      if (family.isEmpty()) {
        noSession(ctx);
        return;
      }
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject().put("sub", family.get().subject())
          .put("csrf_token", csrf.issue(family.get().id())));
    });
  }

  /** {@code POST /auth/session/refresh}. */
  void refresh(RoutingContext ctx) {
    String crossOrigin = CsrfCheck.crossOrigin(ctx.request());
    if (crossOrigin != null) {
      CsrfCheck.refuse(ctx, crossOrigin);
      return;
    }
    String refresh = SessionCookies.refresh(ctx.request());
    if (refresh == null) {
      noSession(ctx);
      return;
    }
    String presented = ctx.request().getHeader(CsrfCheck.HEADER);
    if (presented == null) {
      CsrfCheck.refuse(ctx, CsrfCheck.TOKEN_MISSING);
      return;
    }
    ClientAuthentication client = new ClientAuthentication(auth.loginClientId(), null);
    Blocking.run(vertx, ctx, () -> {
      Optional<RefreshTokenFamily> family = auth.sessionOf(refresh);
      if (family.isPresent() && CsrfCheck.tokenRefusal(csrf, family.get().id(), presented) != null) {
        return Optional.<GrantResult>empty(); // forged: nothing is rotated
      }
      // An unknown token goes through refresh too, so it is refused (and recorded) the same way.
      return Optional.of(auth.refresh(client, refresh, null));
    }, result -> {
      if (result.isEmpty()) {
        CsrfCheck.refuse(ctx, CsrfCheck.TOKEN_FOREIGN);
        return;
      }
      String address = addresses.of(ctx.request());
      switch (result.get()) {
        case GrantResult.Granted g -> {
          events.granted(AuthorizationEvents.REFRESH_TOKEN, g.grant(), address);
          SessionEndpoints.rememberDevice(activity, ctx, g.grant());
          Responses.noStore(ctx);
          granted(ctx, g.grant());
        }
        case GrantResult.Failed f -> {
          events.refreshFailed(f, client.clientId(), address);
          SessionCookies.clear(ctx.response());
          Responses.oauthError(ctx, f.error());
        }
      }
    });
  }

  /** {@code POST /auth/session/logout}, behind the bearer guard (with its CSRF check). */
  void logout(RoutingContext ctx, AccessToken token) {
    sessions.logout(ctx, token, SessionCookies::clear);
  }

  /** Sets the cookies of a new or rotated session and answers what the page may know of it. */
  private void granted(RoutingContext ctx, TokenGrant grant) {
    SessionCookies.set(ctx.response(), grant, refreshLife);
    String sessionId = grant.access().claims().sessionId();
    Responses.json(ctx, 200, new JsonObject()
        .put("sub", grant.access().claims().subject())
        .put("scope", Scopes.format(grant.scopes()))
        .put("expires_in", grant.expiresInSeconds())
        .put("csrf_token", csrf.issue(sessionId)));
  }

  /** 401: no session cookie, or one whose session has ended; the browser is told to drop both cookies. */
  private static void noSession(RoutingContext ctx) {
    SessionCookies.clear(ctx.response());
    Responses.noStore(ctx);
    Responses.error(ctx, 401, "no_session", "There is no session; sign in");
  }
}
