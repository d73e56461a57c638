package dev.keycard.server.http;

import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.csrf.CsrfTokens;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.Services;
import dev.keycard.server.anomaly.AnomalyWatch;
import dev.keycard.server.monitoring.BearerMeters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The resource-server check in front of protected routes (RFC 6750). JWT checks run on the event
 * loop (signature, claims and an in-memory denylist: no I/O); opaque tokens need a database lookup
 * on a cache miss, so they run on a worker.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
final class BearerGuard {
  /** Where {@link #refuse} leaves its error in the routing context, for handlers that record refusals. */
  static final String REFUSAL = "keycard.bearerRefusal";

  /**
   * The {@code error} of the JSON body when the request carried no bearer token at all. Not an
   * RFC 6750 code on purpose ({@code invalid_request} would say the request was malformed): the
   * challenge header carries none, as §3.1 asks.
   */
  static final String MISSING_TOKEN = "missing_token";

  /** Set in the routing context when the request was authenticated by the session cookie. */
  private static final String BY_COOKIE = "keycard.byCookie";
  private static final BearerError BOTH_CREDENTIALS = BearerError.invalidRequest(
      "Send the access token in the Authorization header or in the session cookie, not both");

  private final Vertx vertx;
  private final BearerAuthenticator bearer;
  private final boolean blocks;
  /** Where each accepted token's session use is recorded, for the admin API; {@code null} for none. */
  private final SessionActivity activity;
  /** Anomaly detection, or {@code null} for routes without it. */
  private final AnomalyWatch anomalies;
  private final ClientAddresses addresses;
  private final BearerMeters meters;
  private final RateLimitGate rateLimit;
  /** The CSRF tokens of cookie sessions, or {@code null} when cookies are not credentials here. */
  private final CsrfTokens csrf;

  BearerGuard(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.bearer = services.bearer();
    this.blocks = services.bearerBlocks();
    this.activity = services.admin() == null ? null : services.admin().activity();
    this.anomalies = services.anomalies();
    this.addresses = services.clientAddresses();
    this.meters = new BearerMeters(services.monitoring().meters());
    this.rateLimit = new RateLimitGate(services);
    this.csrf = services.csrf();
  }

  /** Whether the request was authenticated by the session cookie (and so passed the CSRF check if it changes state). */
  static boolean byCookie(RoutingContext ctx) {
    return ctx.get(BY_COOKIE) != null;
  }

  /**
   * Calls {@code then} with the verified token, or answers the RFC 6750 error, or 429 when the token's
   * rate-limit budget is spent.
   */
  void check(RoutingContext ctx, String requiredScope, BiConsumer<RoutingContext, AccessToken> then) {
    check(ctx, requiredScope, true, true, then);
  }

  /**
   * {@link #check} without the rate limit: media uploads (ingest), which an encoder sends several of
   * per segment for hours, are not API calls; stream keys and scopes bound them.
   */
  void checkUnlimited(RoutingContext ctx, String requiredScope, BiConsumer<RoutingContext, AccessToken> then) {
    check(ctx, requiredScope, false, true, then);
  }

  /**
   * {@link #checkUnlimited} with the {@code Authorization} header only, never the session cookie: for
   * forward authentication, which answers for a request it only sees through a gateway (whose method,
   * origin and host are not this request's, so no CSRF check could hold).
   */
  void checkHeader(RoutingContext ctx, String requiredScope, BiConsumer<RoutingContext, AccessToken> then) {
    check(ctx, requiredScope, false, false, then);
  }

  private void check(RoutingContext ctx, String requiredScope, boolean limited, boolean cookies,
      BiConsumer<RoutingContext, AccessToken> then) {
    // RFC 6750 §2.3 allows ?access_token=, but URLs end up in logs and Referer headers; refused.
    if (Requests.queryNames(ctx).orElse(Set.of()).contains("access_token")) {
      BearerError error = BearerError.invalidRequest("Access tokens are not accepted in the URL");
      meters.refused(error);
      refuse(ctx, error);
      return;
    }
    List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
    String cookie = csrf == null || !cookies ? null : SessionCookies.access(ctx.request());
    if (cookie != null) {
      if (!headers.isEmpty()) {
        meters.refused(BOTH_CREDENTIALS);
        refuse(ctx, BOTH_CREDENTIALS);
        return;
      }
      ctx.put(BY_COOKIE, Boolean.TRUE);
    }
    List<String> authorization = cookie == null ? headers : List.of("Bearer " + cookie);
    if (blocks) {
      Blocking.run(vertx, ctx, () -> bearer.authenticate(authorization, requiredScope),
          o -> decide(ctx, o, limited, cookie != null, then));
    } else {
      decide(ctx, bearer.authenticate(authorization, requiredScope), limited, cookie != null, then);
    }
  }

  private void decide(RoutingContext ctx, BearerAuthenticator.Outcome outcome, boolean limited, boolean byCookie,
      BiConsumer<RoutingContext, AccessToken> then) {
    switch (outcome) {
      case BearerAuthenticator.Authorized a -> {
        // A parameter, not the routing context's map: this is the path of every bearer request.
        if (byCookie && CsrfCheck.changesState(ctx.request().method())) {
          String refusal = forged(ctx, a.token());
          if (refusal != null) {
            CsrfCheck.refuse(ctx, refusal);
            return;
          }
        }
        meters.accepted();
        seen(ctx, a.token());
        if (limited) {
          rateLimit.check(ctx, a.token(), then);
        } else {
          then.accept(ctx, a.token());
        }
      }
      case BearerAuthenticator.Refused r -> {
        meters.refused(r.error());
        if (limited && r.token() != null) {
          rateLimit.spend(ctx, r.token());
        }
        refuse(ctx, r.error());
      }
    }
  }

  /** Why a cookie-authenticated, state-changing request is refused as forged, or {@code null} when it is not. */
  private String forged(RoutingContext ctx, AccessToken token) {
    String crossOrigin = CsrfCheck.crossOrigin(ctx.request());
    if (crossOrigin != null) {
      return crossOrigin;
    }
    return CsrfCheck.tokenRefusal(csrf, token.sessionId(), ctx.request().getHeader(CsrfCheck.HEADER));
  }

  /**
   * In-memory writes on the event loop (no store): the session's last use and address for the admin
   * API, and anomaly detection, whose revocations take effect from the next request.
   */
  private void seen(RoutingContext ctx, AccessToken token) {
    if (activity == null && anomalies == null) {
      return;
    }
    String address = addresses.of(ctx.request());
    if (activity != null && token.sessionId() != null) {
      activity.used(token.sessionId(), token.subject(), address);
    }
    if (anomalies != null) {
      anomalies.bearerUsed(token, address);
    }
  }

  static void refuse(RoutingContext ctx, BearerError error) {
    ctx.put(REFUSAL, error);
    Responses.noStore(ctx);
    ctx.response().putHeader("WWW-Authenticate", error.wwwAuthenticate(Routes.REALM));
    // RFC 6750 §3.1: a request without credentials gets no error code in the challenge. The JSON body
    // is ours, and every error body of ours has an error code: one that is not an RFC 6750 code.
    JsonObject body = error.code() == null
        ? Responses.error(MISSING_TOKEN, "A bearer access token is required")
        : Responses.error(error.code(), error.description());
    if (error.scope() != null) {
      body.put("scope", error.scope());
    }
    Responses.json(ctx, error.status(), body);
  }
}
