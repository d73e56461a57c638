package dev.keycard.server.http;

import dev.keycard.core.auth.TokenGrant;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * The two cookies of a browser session. Both are {@code HttpOnly} (no script reads them),
 * {@code Secure} (browsers send them only over TLS, or to {@code localhost}) and
 * {@code SameSite=Strict} (no other site's page makes the browser send them):
 * <ul>
 *   <li>{@value #ACCESS}: the access token, for every API path. The {@code __Host-} prefix makes the
 *       browser refuse it unless it is Secure, has {@code Path=/} and no {@code Domain}, so a sibling
 *       subdomain cannot plant one.</li>
 *   <li>{@value #REFRESH}: the refresh token, sent to {@value #REFRESH_PATH} only, so it travels once
 *       per refresh rather than with every request.</li>
 * </ul>
 * Each lives as long as its token ({@code Max-Age}); ending a session sets both to {@code Max-Age=0}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6265#section-4.1">RFC 6265 §4.1</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3">cookie prefixes</a>
 */
final class SessionCookies {
  static final String ACCESS = "__Host-keycard-access";
  static final String REFRESH = "__Secure-keycard-refresh";
  static final String REFRESH_PATH = "/auth/session/refresh";

  private SessionCookies() {}

  /** The access token the request's cookie carries, or {@code null}. */
  static String access(HttpServerRequest request) {
    return value(request, ACCESS);
  }

  /** The refresh token the request's cookie carries (only sent to {@link #REFRESH_PATH}), or {@code null}. */
  static String refresh(HttpServerRequest request) {
    return value(request, REFRESH);
  }

  /** Sets both cookies from a login or refresh; {@code refreshLife} is how long the refresh token may go unused. */
  static void set(HttpServerResponse response, TokenGrant grant, Duration refreshLife) {
    response.addCookie(cookie(ACCESS, grant.access().value(), "/", grant.expiresInSeconds()));
    response.addCookie(cookie(REFRESH, grant.refreshToken(), REFRESH_PATH, refreshLife.toSeconds()));
  }

  /** Tells the browser to drop both cookies. */
  static void clear(HttpServerResponse response) {
    response.addCookie(cookie(ACCESS, "", "/", 0));
    response.addCookie(cookie(REFRESH, "", REFRESH_PATH, 0));
  }

  private static Cookie cookie(String name, String value, String path, long maxAgeSeconds) {
    return Cookie.cookie(name, value).setPath(path).setMaxAge(maxAgeSeconds).setHttpOnly(true).setSecure(true)
        .setSameSite(CookieSameSite.STRICT);
  }

  private static String value(HttpServerRequest request, String name) {
    if (request.headers().get("Cookie") == null) {
      return null; // most API requests: no cookie parsing at all
    }
    Cookie cookie = request.getCookie(name);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }
}
