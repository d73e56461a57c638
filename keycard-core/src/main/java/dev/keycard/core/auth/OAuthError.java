package dev.keycard.core.auth;

/**
 * An error response of the token, revocation and introspection endpoints (RFC 6749 §5.2). The
 * status is a plain {@code int} so the core needs no web types; descriptions are fixed text.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
public record OAuthError(int status, String error, String description) {
  public static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  /** Client authentication failed: 401 (the web adapter adds {@code WWW-Authenticate} for Basic). */
  public static OAuthError invalidClient() {
    return new OAuthError(401, "invalid_client", "Client authentication failed");
  }

  public static OAuthError invalidGrant(String description) {
    return new OAuthError(400, "invalid_grant", description);
  }

  public static OAuthError unauthorizedClient(String description) {
    return new OAuthError(400, "unauthorized_client", description);
  }

  public static OAuthError unsupportedGrantType() {
    return new OAuthError(400, "unsupported_grant_type", "The grant type is not supported");
  }

  public static OAuthError invalidScope() {
    return new OAuthError(400, "invalid_scope", "The requested scope is invalid or exceeds what was granted");
  }

  /** Wrong user name or wrong password: one answer for both, so user names cannot be probed. */
  public static OAuthError invalidCredentials() {
    return new OAuthError(401, "invalid_grant", "Invalid username or password");
  }
}
