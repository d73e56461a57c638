package dev.keycard.server.http;

import dev.keycard.core.key.KeySource;
import dev.keycard.server.config.ServerConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The public documents a client or resource server reads to find keycard's endpoints and keys. */
final class DiscoveryEndpoints {
  private final KeySource keys;
  private final String metadata;

  DiscoveryEndpoints(KeySource keys, ServerConfig config) {
    this.keys = keys;
    this.metadata = metadata(config).encodePrettily();
  }

  /** {@code GET /.well-known/jwks.json}: public keys only (RFC 7517 §5); HMAC secrets never appear. */
  void jwks(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=60")
        .end(keys.current().publicJwksJson());
  }

  /** {@code GET /.well-known/oauth-authorization-server} (RFC 8414 §3). */
  void metadata(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
        .end(metadata);
  }

  /**
   * What is true of keycard, and nothing else: no member is published empty unless RFC 8414 requires
   * it. {@code response_types_supported} is required, and keycard has no authorization endpoint, so
   * it is the empty list (as RFC 7591 §2.1 registers a client using no response type).
   * {@code scopes_supported} (recommended, not required) is left out: scopes are whatever an operator
   * grants, per stream. {@code code_challenge_methods_supported} left out says "no PKCE" (§2), which
   * is true without an authorization endpoint; no JWT client authentication, so no signing
   * algorithms either.
   *
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-2">RFC 8414 §2</a>
   */
  static JsonObject metadata(ServerConfig config) {
    String base = config.issuer();
    JsonArray authMethods = new JsonArray().add("client_secret_basic").add("client_secret_post").add("none");
    return new JsonObject()
        .put("issuer", base)
        .put("token_endpoint", base + "/oauth2/token")
        .put("jwks_uri", base + "/.well-known/jwks.json")
        .put("revocation_endpoint", base + "/oauth2/revoke")
        .put("introspection_endpoint", base + "/oauth2/introspect")
        .put("grant_types_supported", new JsonArray().add("refresh_token").add("client_credentials"))
        .put("response_types_supported", new JsonArray())
        .put("token_endpoint_auth_methods_supported", authMethods)
        .put("revocation_endpoint_auth_methods_supported", authMethods)
        .put("introspection_endpoint_auth_methods_supported",
            new JsonArray().add("client_secret_basic").add("client_secret_post"));
  }
}
