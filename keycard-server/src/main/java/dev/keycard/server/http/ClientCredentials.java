package dev.keycard.server.http;

import dev.keycard.core.auth.ClientAuthentication;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * How the client identified itself at the token, revocation and introspection endpoints: HTTP Basic
 * or the {@code client_id}/{@code client_secret} form fields (RFC 6749 §2.3.1), never both.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
sealed interface ClientCredentials {
  /** What the request said (both fields {@code null} when it said nothing). */
  record Presented(ClientAuthentication authentication) implements ClientCredentials {}

  record Malformed(String description) implements ClientCredentials {}

  static ClientCredentials read(List<String> authorization, MultiMap form) {
    String formId = form.get("client_id");
    String formSecret = form.get("client_secret");
    List<String> basic = authorization.stream().filter(v -> v.regionMatches(true, 0, "Basic ", 0, 6)).toList();
    if (basic.isEmpty()) {
      return new Presented(new ClientAuthentication(emptyToNull(formId), emptyToNull(formSecret)));
    }
    if (basic.size() > 1 || authorization.size() > 1) {
      return new Malformed("More than one Authorization header was sent");
    }
    if (formSecret != null) {
      return new Malformed("The client authenticated in more than one way");
    }
    String[] idAndSecret = decodeBasic(basic.get(0).substring(6).trim());
    if (idAndSecret == null) {
      return new Malformed("The Basic credentials are malformed");
    }
    if (formId != null && !formId.equals(idAndSecret[0])) {
      return new Malformed("client_id does not match the Basic credentials");
    }
    return new Presented(new ClientAuthentication(idAndSecret[0], idAndSecret[1]));
  }

  /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with a colon. */
  private static String[] decodeBasic(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
      String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
      return new String[] {id, secret.isEmpty() ? null : secret};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
