package dev.keycard.server.http;

import dev.keycard.core.csrf.CsrfTokens;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The cross-site request forgery defence of cookie-authenticated requests: a state-changing request
 * must come from keycard's own origin ({@code Sec-Fetch-Site}, else {@code Origin}) <em>and</em>
 * carry the session's CSRF token in {@value #HEADER}. Either alone has gaps (old browsers without
 * fetch metadata; a token leaked from a page), so both are required. Requests authenticated by an
 * {@code Authorization} header need neither: a browser never adds that header by itself.
 *
 * @see <a href="https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html">OWASP CSRF prevention</a>
 * @see <a href="https://www.w3.org/TR/fetch-metadata/">Fetch Metadata Request Headers</a>
 */
final class CsrfCheck {
  static final String HEADER = "X-CSRF-Token";
  static final String REJECTED = "csrf_rejected";
  static final String TOKEN_MISSING = "The " + HEADER + " header is required with the session cookie";
  static final String TOKEN_FOREIGN = "The " + HEADER + " header does not belong to this session";

  private CsrfCheck() {}

  /** GET, HEAD and OPTIONS change nothing here, so they need no CSRF defence. */
  static boolean changesState(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }

  /**
   * Why the request does not come from keycard's own origin, or {@code null} when it does. The
   * origin is compared with the request's {@code Host}, which a page on another origin cannot set.
   */
  static String crossOrigin(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !"same-origin".equals(site)) {
      return "The request was made by another site";
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      // Browsers send Origin with every state-changing fetch; without it only fetch metadata vouches.
      return site == null ? "The request has no Origin header" : null;
    }
    return sameOrigin(origin, request.authority()) ? null : "The request was made by another origin";
  }

  /**
   * Why the request's {@value #HEADER} is not the CSRF token of session {@code sessionId}, or
   * {@code null} when it is: the one token rule of every cookie-authenticated change.
   */
  static String tokenRefusal(CsrfTokens tokens, String sessionId, String presented) {
    if (presented == null) {
      return TOKEN_MISSING;
    }
    return tokens.matches(sessionId, presented) ? null : TOKEN_FOREIGN;
  }

  /** 403 {@value #REJECTED}: the request changed nothing. */
  static void refuse(RoutingContext ctx, String description) {
    Responses.noStore(ctx);
    Responses.error(ctx, 403, REJECTED, description);
  }

  private static boolean sameOrigin(String origin, HostAndPort authority) {
    if (authority == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return false; // includes the opaque origin "null"
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
    if (defaultPort < 0 || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      return false;
    }
    int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
    int hostPort = authority.port() < 0 ? defaultPort : authority.port();
    return originPort == hostPort && stripBrackets(uri.getHost()).equalsIgnoreCase(stripBrackets(authority.host()));
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
