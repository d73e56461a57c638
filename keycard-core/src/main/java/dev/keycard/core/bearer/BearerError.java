package dev.keycard.core.bearer;

import dev.keycard.core.token.Rejection;
import java.util.EnumMap;
import java.util.Map;

/**
 * A refusal as RFC 6750 §3 spells it: an HTTP status (a plain {@code int}, so the core needs no web
 * types), an error code ({@code null} when the request carried no credentials at all, §3.1), a fixed
 * description and, for {@code insufficient_scope}, the scope that was needed.
 *
 * <p>A bad token is 401 {@code invalid_token}, never 403: a client must see 401 to know that
 * refreshing its token may help.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
public record BearerError(int status, String code, String description, String scope) {
  public static final String INVALID_REQUEST = "invalid_request";
  public static final String INVALID_TOKEN = "invalid_token";
  public static final String INSUFFICIENT_SCOPE = "insufficient_scope";

  private static final BearerError MISSING = new BearerError(401, null, null, null);
  private static final Map<Rejection, BearerError> BY_REJECTION = new EnumMap<>(Rejection.class);

  static {
    for (Rejection r : Rejection.values()) {
      BY_REJECTION.put(r, new BearerError(401, INVALID_TOKEN, r.description(), null));
    }
  }

  /** No credentials, or credentials of another scheme: 401 with no error code (§3.1). */
  public static BearerError missing() {
    return MISSING;
  }

  /** A malformed request, such as two credentials or a broken header: 400. */
  public static BearerError invalidRequest(String description) {
    return new BearerError(400, INVALID_REQUEST, description, null);
  }

  /** A token that failed verification: 401 with the rejection's fixed description. */
  public static BearerError invalidToken(Rejection reason) {
    return BY_REJECTION.get(reason);
  }

  /** A valid token without the scope the resource needs: 403, naming the scope. */
  public static BearerError insufficientScope(String scope) {
    return new BearerError(403, INSUFFICIENT_SCOPE, "The access token lacks the required scope", scope);
  }

  /** The {@code WWW-Authenticate} header value (RFC 6750 §3). */
  public String wwwAuthenticate(String realm) {
    StringBuilder b = new StringBuilder(96).append("Bearer realm=\"").append(realm).append('"');
    if (code != null) {
      b.append(", error=\"").append(code).append('"');
    }
    if (description != null) {
      b.append(", error_description=\"").append(description).append('"');
    }
    if (scope != null) {
      b.append(", scope=\"").append(scope).append('"');
    }
    return b.toString();
  }
}
