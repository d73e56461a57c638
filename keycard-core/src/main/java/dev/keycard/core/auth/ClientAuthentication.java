package dev.keycard.core.auth;

/**
 * How a client identified itself at an endpoint: HTTP Basic or form fields (RFC 6749 §2.3.1).
 *
 * @param clientId the client id, or {@code null} when none was given
 * @param secret   the client secret, or {@code null} (a public client)
 */
public record ClientAuthentication(String clientId, String secret) {
  public static final ClientAuthentication NONE = new ClientAuthentication(null, null);

  @Override
  public String toString() {
    return "ClientAuthentication[clientId=" + clientId + (secret == null ? "" : ", secret=***") + "]";
  }
}
