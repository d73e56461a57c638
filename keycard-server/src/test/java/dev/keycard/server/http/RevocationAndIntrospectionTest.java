package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 7009 revocation and RFC 7662 introspection over HTTP. */
class RevocationAndIntrospectionTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static String rsSecret;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    keycard.addUser("bob", "bob's password", "stream:view");
    rsSecret = keycard.addClient("resource-server", "");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  private Answer introspect(String token) {
    return http.postForm("/oauth2/introspect", params("token", token), "Authorization", basic("resource-server", rsSecret));
  }

  @Test
  void introspectingALiveAccessTokenDescribesIt() {
    String access = http.login("bob", "bob's password").json().getString("access_token");
    Answer answer = introspect(access);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    JsonObject body = answer.json();
    assertThat(body.getBoolean("active")).isTrue();
    assertThat(body.getString("sub")).isEqualTo("bob");
    assertThat(body.getString("scope")).isEqualTo("stream:view");
    assertThat(body.getString("client_id")).isEqualTo("keycard");
    assertThat(body.getString("iss")).isEqualTo(TestKeycard.ISSUER);
    assertThat(body.getLong("exp")).isPositive();
  }

  @Test
  void introspectingALiveRefreshTokenSaysActive() {
    String refresh = http.login("bob", "bob's password").json().getString("refresh_token");
    assertThat(introspect(refresh).json().getBoolean("active")).isTrue();
  }

  @Test
  void introspectingGarbageSaysOnlyInactive() {
    Answer answer = introspect("not-a-token");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getMap()).containsOnlyKeys("active");
    assertThat(answer.json().getBoolean("active")).isFalse();
  }

  @Test
  void introspectionRequiresClientAuthentication() {
    Answer anonymous = http.postForm("/oauth2/introspect", params("token", "x"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().getString("error")).isEqualTo("invalid_client");
    Answer wrongSecret = http.postForm("/oauth2/introspect", params("token", "x"),
        "Authorization", basic("resource-server", "kcs_wrong"));
    assertThat(wrongSecret.status()).isEqualTo(401);
    assertThat(wrongSecret.header("WWW-Authenticate")).isEqualTo("Basic realm=\"keycard\"");
  }

  @Test
  void revokedAccessTokenIsRefusedAndInactive() {
    String access = http.login("bob", "bob's password").json().getString("access_token");
    Answer revoke = http.postForm("/oauth2/revoke", params("token", access, "token_type_hint", "access_token"));
    assertThat(revoke.status()).isEqualTo(200);
    assertThat(revoke.body()).isEmpty();
    assertThat(http.me(access).status()).isEqualTo(401);
    assertThat(introspect(access).json().getBoolean("active")).isFalse();
  }

  /** RFC 7009 §2.1: when the hint does not match, the search extends to the other token types. */
  @Test
  void accessTokenRevokedWithTheRefreshTokenHintIsRefused() {
    String access = http.login("bob", "bob's password").json().getString("access_token");
    Answer revoke = http.postForm("/oauth2/revoke", params("token", access, "token_type_hint", "refresh_token"));
    assertThat(revoke.status()).isEqualTo(200);
    assertThat(http.me(access).status()).isEqualTo(401);
    assertThat(introspect(access).json().getBoolean("active")).isFalse();
  }

  @Test
  void revokedRefreshTokenKillsTheSessionAndItsAccessTokens() {
    JsonObject tokens = http.login("bob", "bob's password").json();
    Answer revoke = http.postForm("/oauth2/revoke", params("token", tokens.getString("refresh_token")));
    assertThat(revoke.status()).isEqualTo(200);
    assertThat(http.refresh(tokens.getString("refresh_token")).status()).isEqualTo(400);
    assertThat(http.me(tokens.getString("access_token")).status()).isEqualTo(401);
    assertThat(introspect(tokens.getString("refresh_token")).json().getBoolean("active")).isFalse();
  }

  @Test
  void revokingAnUnknownTokenIsAnsweredLikeAnyOther() {
    assertThat(http.postForm("/oauth2/revoke", params("token", "kcr_unknown")).status()).isEqualTo(200);
    assertThat(http.postForm("/oauth2/revoke", params("token", "garbage")).status()).isEqualTo(200);
  }

  @Test
  void revokeWithoutTokenIsInvalidRequest() {
    Answer answer = http.postForm("/oauth2/revoke", params("token_type_hint", "access_token"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }
}
