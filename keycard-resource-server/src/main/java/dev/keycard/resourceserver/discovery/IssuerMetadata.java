package dev.keycard.resourceserver.discovery;

import dev.keycard.resourceserver.http.IssuerHttp;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The endpoints a resource server needs, read from keycard's RFC 8414 metadata. The metadata's
 * {@code issuer} must be exactly the issuer configured (RFC 8414 §3.3), or tokens would be accepted
 * from whoever answered. Where keycard is reached at another address than its issuer (inside a
 * cluster, say), every endpoint under the issuer is moved to that address.
 *
 * @param revocations      keycard's revocation feed in pages (not part of RFC 8414: a fixed path under the issuer)
 * @param revocationEvents the same feed as Server-Sent Events
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 */
public record IssuerMetadata(String issuer, URI tokenEndpoint, URI jwksUri, URI introspectionEndpoint,
    URI revocations, URI revocationEvents) {
  public static final String WELL_KNOWN = "/.well-known/oauth-authorization-server";
  public static final String REVOCATIONS = "/api/v1/revocations";
  public static final String REVOCATION_EVENTS = REVOCATIONS + "/events";

  /**
   * Blocking: fetches and checks the metadata.
   *
   * @param location where keycard is reached; the issuer itself in most deployments
   * @throws IOException           when it cannot be fetched or lacks an endpoint
   * @throws IllegalStateException when it names another issuer
   */
  public static IssuerMetadata discover(IssuerHttp http, String issuer, URI location) throws IOException {
    String base = trimSlash(location.toString());
    URI uri = URI.create(base + WELL_KNOWN);
    Map<String, Object> json = http.getJson(uri).json();
    if (!issuer.equals(json.get("issuer"))) {
      throw new IllegalStateException("the metadata at " + uri + " names another issuer than the one configured");
    }
    return new IssuerMetadata(issuer, endpoint(json, "token_endpoint", issuer, base, uri),
        endpoint(json, "jwks_uri", issuer, base, uri), endpoint(json, "introspection_endpoint", issuer, base, uri),
        URI.create(base + REVOCATIONS), URI.create(base + REVOCATION_EVENTS));
  }

  private static URI endpoint(Map<String, Object> json, String name, String issuer, String base, URI from)
      throws IOException {
    if (!(json.get(name) instanceof String value) || value.isEmpty()) {
      throw new IOException("the metadata at " + from + " has no " + name);
    }
    String at = trimSlash(issuer);
    return URI.create(value.startsWith(at + "/") ? base + value.substring(at.length()) : value);
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
