package dev.keycard.server.http;

import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code /auth/verify[?scope=S]}: forward authentication for gateways (nginx {@code auth_request},
 * Traefik {@code forwardAuth}, Envoy's HTTP {@code ext_authz}). The gateway forwards the original
 * request's {@code Authorization} header; keycard runs its whole bearer checklist (on the event loop,
 * from the verified-token cache for a token seen before) and answers 200 with who the token speaks
 * for in {@code X-Keycard-Subject}, {@code X-Keycard-Scope}, {@code X-Keycard-Client},
 * {@code X-Keycard-Session} and {@code X-Keycard-Expires}, or 401 / 403 with the RFC 6750 {@code WWW-Authenticate} the gateway passes on.
 * Any method: a gateway may forward the original one. No body is read.
 *
 * <p>Only the header counts, never a session cookie: keycard sees the request through the gateway
 * (another method, origin and host), so it could not hold the CSRF rules a cookie needs. No per-token
 * rate limit either: nginx turns any answer but 2xx, 401 and 403 into a 500, and rate limiting at the
 * gateway is the gateway's own.
 */
final class ForwardAuthEndpoints {
  static final String PATH = "/auth/verify";
  // Header names made once as Netty ASCII strings: every allowed request writes five of them, and
  // encoding String names per response was a visible share of this endpoint's cost beside /health.
  static final CharSequence SUBJECT = HttpHeaders.createOptimized("X-Keycard-Subject");
  static final CharSequence SCOPE = HttpHeaders.createOptimized("X-Keycard-Scope");
  static final CharSequence CLIENT = HttpHeaders.createOptimized("X-Keycard-Client");
  static final CharSequence SESSION = HttpHeaders.createOptimized("X-Keycard-Session");
  static final CharSequence EXPIRES = HttpHeaders.createOptimized("X-Keycard-Expires");


  private final BearerGuard guard;

  ForwardAuthEndpoints(BearerGuard guard) {
    this.guard = guard;
  }

  void verify(RoutingContext ctx) {
    List<String> scopes = ctx.queryParam("scope");
    if (scopes.size() > 1 || scopes.size() == 1 && !Scopes.isValid(scopes.get(0))
        || scopes.size() == 1 && scopes.get(0).contains(" ")) {
      Responses.invalidRequest(ctx, "scope, when given, is one scope");
      return;
    }
    guard.checkHeader(ctx, scopes.isEmpty() ? null : scopes.get(0), ForwardAuthEndpoints::allowed);
  }

  private static void allowed(RoutingContext ctx, AccessToken token) {
    var response = ctx.response();
    response.putHeader(SUBJECT, token.subject()).putHeader(SCOPE, token.scope())
        .putHeader(CLIENT, token.clientId()).putHeader(EXPIRES, Long.toString(token.expiresAt().getEpochSecond()));
    if (token.sessionId() != null) {
      response.putHeader(SESSION, token.sessionId());
    }
    Responses.noStore(ctx);
    response.setStatusCode(200).end();
  }
}
