package dev.keycard.server.gateway;

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

/** {@code /auth/verify}: keycard's bearer checklist for a gateway, answered as RFC 6750 says. */
class ForwardAuthTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir, c -> c.withCookieSessions(true));
    http = keycard.http();
    keycard.addUser("ana", "ana's long password", "profile orders:read");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  static String login() {
    return http.login("ana", "ana's long password").json().getString("access_token");
  }

  @Test
  void aValidTokenIsAllowedWithWhoItSpeaksForInHeaders() {
    String token = login();
    Answer allowed = http.get("/auth/verify", "Authorization", "Bearer " + token);

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.body()).isEmpty();
    assertThat(allowed.header("X-Keycard-Subject")).isEqualTo("ana");
    assertThat(allowed.header("X-Keycard-Scope")).isEqualTo("orders:read profile");
    assertThat(allowed.header("X-Keycard-Client")).isEqualTo("keycard");
    assertThat(allowed.header("X-Keycard-Session")).isNotBlank();
    assertThat(allowed.header("X-Keycard-Expires")).matches("[0-9]+");
    assertThat(allowed.header("Cache-Control")).isEqualTo("no-store");
    // The method of the original request, as a gateway may forward it.
    assertThat(http.post("/auth/verify", null, "", "Authorization", "Bearer " + token).status()).isEqualTo(200);
  }

  @Test
  void refusalsCarryTheChallengeTheGatewayPassesOn() {
    Answer none = http.get("/auth/verify");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");

    Answer bad = http.get("/auth/verify", "Authorization", "Bearer not.a.token");
    assertThat(bad.status()).isEqualTo(401);
    assertThat(bad.header("WWW-Authenticate")).contains("error=\"invalid_token\"");

    Answer scope = http.get("/auth/verify?scope=orders:write", "Authorization", "Bearer " + login());
    assertThat(scope.status()).isEqualTo(403);
    assertThat(scope.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"orders:write\"");
    assertThat(http.get("/auth/verify?scope=orders:read", "Authorization", "Bearer " + login()).status())
        .isEqualTo(200);
  }

  @Test
  void aRevokedTokenIsRefusedAtOnce() {
    String token = login();
    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + token).status()).isEqualTo(204);
    Answer revoked = http.get("/auth/verify", "Authorization", "Bearer " + token);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void theSessionCookieIsNotACredentialHere() {
    String cookie = http.postJson("/auth/session", new JsonObject().put("username", "ana")
            .put("password", "ana's long password"), "Origin", http.base())
        .headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-keycard-access="))
        .findFirst().orElseThrow().split(";", 2)[0];
    assertThat(http.get("/api/v1/me", "Cookie", cookie).status()).isEqualTo(200);
    assertThat(http.get("/auth/verify", "Cookie", cookie).status()).isEqualTo(401);
  }

  @Test
  void aMalformedScopeParameterIsInvalid() {
    String token = login();
    assertThat(http.get("/auth/verify?scope=a&scope=b", "Authorization", "Bearer " + token).status()).isEqualTo(400);
    assertThat(http.get("/auth/verify?scope=a%20b", "Authorization", "Bearer " + token).status()).isEqualTo(400);
    assertThat(http.get("/auth/verify?scope=%22", "Authorization", "Bearer " + token).status()).isEqualTo(400);
  }
}
