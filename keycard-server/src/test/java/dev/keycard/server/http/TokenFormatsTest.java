package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The session flow with every signing algorithm, and with opaque access tokens. */
class TokenFormatsTest {
  private static final byte[] HS256_SECRET = "0123456789abcdef0123456789abcdef-test-only".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dataDir;

  private static ServerConfig with(ServerConfig c, TokenFormat format, SigningAlgorithm algorithm) {
    return new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(), c.accessTokenTtl(), format,
        algorithm, algorithm == SigningAlgorithm.HS256 ? HS256_SECRET : null, c.clockSkew(), c.refreshIdleTtl(),
        c.refreshAbsoluteTtl(), c.refreshGrace(), c.maxTokenSize());
  }

  private static void loginUseLogout(TestKeycard keycard) {
    keycard.addUser("jane", "jane's password", "stream:view");
    JsonObject tokens = keycard.http().login("jane", "jane's password").json();
    String access = tokens.getString("access_token");
    assertThat(keycard.http().me(access).json().getString("sub")).isEqualTo("jane");
    JsonObject refreshed = keycard.http().refresh(tokens.getString("refresh_token")).json();
    assertThat(keycard.http().me(refreshed.getString("access_token")).status()).isEqualTo(200);
    assertThat(keycard.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status())
        .isEqualTo(204);
    assertThat(keycard.http().me(access).status()).isEqualTo(401);
    assertThat(keycard.http().me(refreshed.getString("access_token")).status()).isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void jwtSessionWorksWithEveryAlgorithm(SigningAlgorithm algorithm) throws Exception {
    ServerConfig config = with(TestKeycard.config(dataDir), TokenFormat.JWT, algorithm);
    try (TestKeycard keycard = TestKeycard.start(config, InstantSource.system())) {
      keycard.addUser("kim", "kim's password", "");
      String access = keycard.http().login("kim", "kim's password").json().getString("access_token");
      assertThat(SignedJWT.parse(access).getHeader().getAlgorithm().getName()).isEqualTo(algorithm.jws().getName());
      JWKSet jwks = JWKSet.parse(keycard.http().get("/.well-known/jwks.json").body());
      // An HMAC secret is never published.
      assertThat(jwks.getKeys()).hasSize(algorithm.symmetric() ? 0 : 1);
      loginUseLogout(keycard);
    }
  }

  @Test
  void opaqueTokensWorkEndToEndAndIntrospect() {
    ServerConfig config = with(TestKeycard.config(dataDir), TokenFormat.OPAQUE, SigningAlgorithm.ES256);
    try (TestKeycard keycard = TestKeycard.start(config, InstantSource.system())) {
      String secret = keycard.addClient("rs", "");
      keycard.addUser("lee", "lee's password", "stream:view");
      String access = keycard.http().login("lee", "lee's password").json().getString("access_token");
      assertThat(access).startsWith("kca_");
      JsonObject introspected = keycard.http().postForm("/oauth2/introspect", params("token", access),
          "Authorization", basic("rs", secret)).json();
      assertThat(introspected.getBoolean("active")).isTrue();
      assertThat(introspected.getString("sub")).isEqualTo("lee");
      assertThat(keycard.http().me("kca_unknown").status()).isEqualTo(401);
      loginUseLogout(keycard);
    }
  }
}
