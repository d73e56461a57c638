package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public documents: the JWK Set (RFC 7517) and authorization-server metadata (RFC 8414). */
class DiscoveryTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void jwksPublishesThePublicKeyOnly() throws Exception {
    Answer answer = keycard.http().get("/.well-known/jwks.json");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    JWKSet set = JWKSet.parse(answer.body());
    assertThat(set.getKeys()).hasSize(1);
    for (JWK key : set.getKeys()) {
      assertThat(key.isPrivate()).isFalse();
      assertThat(key.getKeyID()).isNotBlank();
    }
    for (String privatePart : new String[] {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\""}) {
      assertThat(answer.body()).doesNotContain(privatePart);
    }
  }

  @Test
  void jwksContainsTheKeyThatSignedTheTokens() throws Exception {
    keycard.addUser("dora", "dora's password", "");
    String access = keycard.http().login("dora", "dora's password").json().getString("access_token");
    String kid = com.nimbusds.jwt.SignedJWT.parse(access).getHeader().getKeyID();
    JWKSet set = JWKSet.parse(keycard.http().get("/.well-known/jwks.json").body());
    assertThat(set.getKeyByKeyId(kid)).isNotNull();
  }

  @Test
  void metadataNamesEveryEndpointUnderTheIssuer() {
    Answer answer = keycard.http().get("/.well-known/oauth-authorization-server");
    assertThat(answer.status()).isEqualTo(200);
    JsonObject m = answer.json();
    String issuer = TestKeycard.ISSUER;
    assertThat(m.getString("issuer")).isEqualTo(issuer);
    assertThat(m.getString("token_endpoint")).isEqualTo(issuer + "/oauth2/token");
    assertThat(m.getString("jwks_uri")).isEqualTo(issuer + "/.well-known/jwks.json");
    assertThat(m.getString("revocation_endpoint")).isEqualTo(issuer + "/oauth2/revoke");
    assertThat(m.getString("introspection_endpoint")).isEqualTo(issuer + "/oauth2/introspect");
    assertThat(m.getJsonArray("grant_types_supported").getList()).containsExactlyInAnyOrder("refresh_token", "client_credentials");
    assertThat(m.getJsonArray("token_endpoint_auth_methods_supported").getList())
        .contains("client_secret_basic", "client_secret_post");
  }

  /**
   * RFC 8414 §2: optional members are left out rather than published empty (an empty
   * {@code scopes_supported} claims there are no scopes; an empty
   * {@code code_challenge_methods_supported} is not how "no PKCE" is said). The one required member
   * whose true value is empty stays: keycard has no authorization endpoint, so it supports no
   * response type.
   */
  @Test
  void metadataPublishesNoEmptyArrayExceptTheRequiredResponseTypes() {
    JsonObject m = keycard.http().get("/.well-known/oauth-authorization-server").json();
    for (String name : m.fieldNames()) {
      if (m.getValue(name) instanceof io.vertx.core.json.JsonArray array && !name.equals("response_types_supported")) {
        assertThat(array.isEmpty()).as(name).isFalse();
      }
    }
    assertThat(m.getJsonArray("response_types_supported").getList()).isEmpty();
    assertThat(m.fieldNames()).doesNotContain("scopes_supported", "code_challenge_methods_supported",
        "token_endpoint_auth_signing_alg_values_supported", "authorization_endpoint");
  }

  @Test
  void healthNeedsNoToken() {
    Answer answer = keycard.http().get("/health");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getString("status")).isEqualTo("ok");
  }
}
