package dev.keycard.server.http;

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

/** A person's session end to end over real HTTP: login, API call, refresh with rotation, reuse, logout. */
class SessionFlowTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    keycard.addUser("alice", "correct horse battery", "stream:view chat:write");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void loginReturnsBearerTokensThatTheApiAccepts() {
    Answer login = http.login("alice", "correct horse battery");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.header("Cache-Control")).isEqualTo("no-store");
    assertThat(login.header("Pragma")).isEqualTo("no-cache");
    JsonObject body = login.json();
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getLong("expires_in")).isEqualTo(900);
    assertThat(body.getString("refresh_token")).startsWith("kcr_");
    assertThat(body.getString("scope")).isEqualTo("chat:write stream:view");

    Answer me = http.me(body.getString("access_token"));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.header("Cache-Control")).isEqualTo("no-store");
    assertThat(me.json().getString("sub")).isEqualTo("alice");
    assertThat(me.json().getString("scope")).isEqualTo("chat:write stream:view");
    assertThat(me.json().getString("client_id")).isEqualTo("keycard");
    assertThat(me.json().getLong("exp")).isPositive();
  }

  @Test
  void loginWithNarrowerScopeGrantsOnlyThatScope() {
    Answer login = http.postJson("/auth/login",
        new JsonObject().put("username", "alice").put("password", "correct horse battery").put("scope", "stream:view"));
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getString("scope")).isEqualTo("stream:view");
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    Answer wrongPassword = http.login("alice", "wrong password!");
    Answer unknownUser = http.login("mallory", "correct horse battery");
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownUser.status()).isEqualTo(401);
    assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
    assertThat(wrongPassword.json().getString("error")).isEqualTo("invalid_grant");
    assertThat(wrongPassword.body()).doesNotContain("mallory", "alice");
  }

  @Test
  void refreshRotatesAndTheNewTokensWork() {
    JsonObject first = http.login("alice", "correct horse battery").json();
    Answer refreshed = http.refresh(first.getString("refresh_token"));
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(refreshed.header("Cache-Control")).isEqualTo("no-store");
    String nextRefresh = refreshed.json().getString("refresh_token");
    assertThat(nextRefresh).startsWith("kcr_").isNotEqualTo(first.getString("refresh_token"));
    assertThat(http.me(refreshed.json().getString("access_token")).status()).isEqualTo(200);
    assertThat(http.refresh(nextRefresh).status()).isEqualTo(200);
  }

  @Test
  void reusingARotatedRefreshTokenRevokesTheWholeFamily() {
    JsonObject first = http.login("alice", "correct horse battery").json();
    String stolen = first.getString("refresh_token");
    JsonObject second = http.refresh(stolen).json();
    assertThat(http.me(second.getString("access_token")).status()).isEqualTo(200);

    Answer replay = http.refresh(stolen);
    assertThat(replay.status()).isEqualTo(400);
    assertThat(replay.json().getString("error")).isEqualTo("invalid_grant");

    // Every token of the family is dead: the legitimate holder's refresh token and both access tokens.
    assertThat(http.refresh(second.getString("refresh_token")).json().getString("error")).isEqualTo("invalid_grant");
    Answer me = http.me(second.getString("access_token"));
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    assertThat(http.me(first.getString("access_token")).status()).isEqualTo(401);
  }

  @Test
  void logoutRevokesTheAccessTokenAndTheRefreshToken() {
    JsonObject tokens = http.login("alice", "correct horse battery").json();
    String access = tokens.getString("access_token");
    Answer logout = http.post("/auth/logout", null, "", "Authorization", "Bearer " + access);
    assertThat(logout.status()).isEqualTo(204);

    Answer me = http.me(access);
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.json().getString("error")).isEqualTo("invalid_token");
    assertThat(me.json().getString("error_description")).isEqualTo("The access token was revoked");
    assertThat(http.refresh(tokens.getString("refresh_token")).status()).isEqualTo(400);
    // A second logout with the same token is refused like any other revoked token.
    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + access).status()).isEqualTo(401);
  }

  @Test
  void logoutWithoutTokenIsRefusedWithAChallenge() {
    Answer logout = http.post("/auth/logout", null, "");
    assertThat(logout.status()).isEqualTo(401);
    assertThat(logout.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");
  }

  /**
   * RFC 6750 §3.1 keeps the error code out of the challenge when no credentials were sent; the JSON
   * body is ours, and every error body has both {@code error} and {@code error_description}.
   */
  @Test
  void requestWithoutCredentialsGetsABareChallengeAndAnErrorBodyWithACode() {
    for (Answer answer : new Answer[] {http.get("/api/v1/me"), http.post("/auth/logout", null, ""),
        http.get("/api/v1/me", "Authorization", "Basic YTpi")}) {
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");
      assertThat(answer.json().getString("error")).isEqualTo("missing_token");
      assertThat(answer.json().getString("error_description")).isEqualTo("A bearer access token is required");
    }
  }

  @Test
  void publicClientTokensCannotBeRefreshedByAnotherClient() {
    JsonObject tokens = http.login("alice", "correct horse battery").json();
    keycard.addPublicClient("other-app", "stream:view");
    Answer refreshed = http.postForm("/oauth2/token", params("grant_type", "refresh_token",
        "refresh_token", tokens.getString("refresh_token"), "client_id", "other-app"));
    assertThat(refreshed.status()).isEqualTo(400);
    assertThat(refreshed.json().getString("error")).isEqualTo("invalid_grant");
  }
}
