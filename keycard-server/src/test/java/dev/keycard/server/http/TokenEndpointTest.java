package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /oauth2/token}: grants, client authentication (RFC 6749 §2.3.1) and §5.2 errors. */
class TokenEndpointTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static String secret;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    secret = keycard.addClient("ingest", "stream:publish stream:view");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void clientCredentialsWithBasicAuthenticationGrantsAnAccessTokenWithoutRefreshToken() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("ingest", secret));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    assertThat(answer.header("Pragma")).isEqualTo("no-cache");
    assertThat(answer.json().getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.json().containsKey("refresh_token")).isFalse();
    assertThat(answer.json().getString("scope")).isEqualTo("stream:publish stream:view");

    Answer me = http.me(answer.json().getString("access_token"));
    assertThat(me.json().getString("sub")).isEqualTo("ingest");
    assertThat(me.json().getString("client_id")).isEqualTo("ingest");
  }

  @Test
  void clientCredentialsWithFormFieldsAndNarrowerScope() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials",
        "client_id", "ingest", "client_secret", secret, "scope", "stream:publish"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getString("scope")).isEqualTo("stream:publish");
  }

  @Test
  void scopeBeyondTheClientsIsInvalidScope() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials", "scope", "admin"),
        "Authorization", basic("ingest", secret));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_scope");
  }

  @Test
  void wrongSecretViaBasicIsInvalidClientWithBasicChallenge() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", basic("ingest", "kcs_wrong"));
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).isEqualTo("Basic realm=\"keycard\"");
    assertThat(answer.json().getString("error")).isEqualTo("invalid_client");
    assertThat(answer.body()).doesNotContain("kcs_wrong");
  }

  @Test
  void unknownClientIsInvalidClient() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials",
        "client_id", "nobody", "client_secret", "x"));
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_client");
  }

  @Test
  void basicAndFormSecretTogetherIsInvalidRequest() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials",
        "client_id", "ingest", "client_secret", secret), "Authorization", basic("ingest", secret));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void malformedBasicCredentialsAreInvalidRequest() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "client_credentials"),
        "Authorization", "Basic %%%not-base64");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void unknownGrantTypeIsUnsupportedGrantType() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "password", "username", "a", "password", "b"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("unsupported_grant_type");
  }

  @Test
  void missingGrantTypeIsInvalidRequest() {
    Answer answer = http.postForm("/oauth2/token", params("scope", "x"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void repeatedParameterIsInvalidRequest() {
    Answer answer = http.post("/oauth2/token", "application/x-www-form-urlencoded",
        "grant_type=client_credentials&grant_type=refresh_token", "Authorization", basic("ingest", secret));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void jsonBodyIsUnsupportedMediaType() {
    Answer answer = http.post("/oauth2/token", "application/json", "{\"grant_type\":\"client_credentials\"}");
    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void unknownRefreshTokenIsInvalidGrant() {
    Answer answer = http.refresh("kcr_doesnotexist");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_grant");
  }

  /** Issue 6: the token used to be rotated before the scope check, so the retry was reuse (no grace here). */
  @Test
  void refreshAskingForAScopeTheSessionLacksIsInvalidScopeAndLeavesTheTokenUsable() {
    keycard.addUser("sam", "sam's password", "profile");
    String first = http.login("sam", "sam's password").json().getString("refresh_token");

    Answer tooWide = http.postForm("/oauth2/token",
        params("grant_type", "refresh_token", "refresh_token", first, "scope", "profile admin"));
    Answer retry = http.refresh(first);

    assertThat(tooWide.status()).isEqualTo(400);
    assertThat(tooWide.json().getString("error")).isEqualTo("invalid_scope");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(http.me(retry.json().getString("access_token")).status()).isEqualTo(200);
  }

  @Test
  void missingRefreshTokenIsInvalidRequest() {
    Answer answer = http.postForm("/oauth2/token", params("grant_type", "refresh_token"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
  }
}
