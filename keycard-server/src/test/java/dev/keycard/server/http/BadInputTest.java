package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.RawConnection;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad input gets a clear 4xx with a JSON body, never a 500 or a stack trace. */
class BadInputTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    keycard.addUser("erin", "erin's password", "stream:view");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  private static void assertJsonError(Answer answer, int status, String error) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.json().getString("error")).isEqualTo(error);
    assertThat(answer.body()).doesNotContain("Exception", "\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "", "null", "{\"username\":\"erin\",\"password\":\"x\""})
  void loginWithABodyThatIsNotAJsonObjectIsInvalidRequest(String body) {
    assertJsonError(http.post("/auth/login", "application/json", body), 400, "invalid_request");
  }

  /** Issue 6: the last member won, so a body naming two users logged in as the second. */
  @Test
  void loginWithARepeatedMemberIsInvalidRequestNotALoginAsTheLastOne() {
    Answer answer = http.post("/auth/login", "application/json",
        "{\"username\":\"nobody\",\"username\":\"erin\",\"password\":\"erin's password\"}");

    assertJsonError(answer, 400, "invalid_request");
    assertThat(answer.json().getString("error_description")).isEqualTo("The JSON member username is repeated");
    assertThat(answer.body()).doesNotContain("access_token", "erin's password");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"username\":\"erin\",\"password\":\"x\",\"password\":\"erin's password\"}",
      "{\"username\":\"erin\",\"password\":\"erin's password\",\"scope\":{\"a\":1,\"a\":2}}",
      "{\"username\":\"erin\",\"password\":\"erin's password\",\"x\u00e9\":1,\"x\u00e9\":2}"})
  void anyRepeatedMemberAtAnyDepthIsInvalidRequest(String body) {
    Answer answer = http.post("/auth/login", "application/json", body);

    assertJsonError(answer, 400, "invalid_request");
    assertThat(answer.json().getString("error_description")).startsWith("The JSON member ").endsWith(" is repeated");
  }

  @Test
  void streamStartWithARepeatedMemberIsInvalidRequest() {
    String access = http.login("erin", "erin's password").json().getString("access_token");

    Answer answer = http.post("/api/v1/stream/start", "application/json",
        "{\"stream_id\":\"nope\",\"stream_id\":\"demo\"}", "Authorization", "Bearer " + access);

    assertJsonError(answer, 400, "invalid_request");
  }

  @Test
  void loginParseErrorsDoNotEchoTheBody() {
    Answer answer = http.post("/auth/login", "application/json", "{\"password\":\"hunter2-secret\"");
    assertThat(answer.body()).doesNotContain("hunter2");
  }

  @Test
  void loginWithMissingOrNonStringFieldsIsInvalidRequest() {
    assertJsonError(http.postJson("/auth/login", new JsonObject().put("username", "erin")), 400, "invalid_request");
    assertJsonError(http.postJson("/auth/login", new JsonObject().put("username", "erin").put("password", 42)),
        400, "invalid_request");
    assertJsonError(http.postJson("/auth/login", new JsonObject().put("username", "erin").put("password", "")),
        400, "invalid_request");
  }

  @Test
  void loginWithFormBodyIsUnsupportedMediaType() {
    assertJsonError(http.post("/auth/login", "application/x-www-form-urlencoded", "username=erin&password=x"),
        415, "invalid_request");
    assertJsonError(http.post("/auth/login", null, "{}"), 415, "invalid_request");
  }

  @Test
  void bodyOverTheLimitIsPayloadTooLarge() {
    String huge = "{\"username\":\"erin\",\"password\":\"" + "x".repeat(Routes.MAX_BODY_BYTES) + "\"}";
    Answer answer = http.post("/auth/login", "application/json", huge);
    assertJsonError(answer, 413, "invalid_request");
    Answer form = http.post("/oauth2/token", "application/x-www-form-urlencoded",
        "grant_type=refresh_token&refresh_token=" + "a".repeat(Routes.MAX_BODY_BYTES));
    assertJsonError(form, 413, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/oauth2/token", "/oauth2/revoke", "/oauth2/introspect"})
  void formFieldOverTheFieldLimitIsPayloadTooLargeNotAServerError(String endpoint) {
    Answer answer = http.post(endpoint, "application/x-www-form-urlencoded", "token=" + "a".repeat(9 * 1024));
    assertJsonError(answer, 413, "invalid_request");
  }

  @Test
  void hostThatIsNotAValidAuthorityIsBadRequestNotAServerError() {
    try (RawConnection client = new RawConnection(keycard.server().port())) {
      client.send("GET /health HTTP/1.1\r\nHost: a b\r\n\r\n");
      RawConnection.Answer answer = client.readAnswer(Duration.ofSeconds(10));
      assertThat(answer).isNotNull();
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.json().getString("error")).isEqualTo("invalid_request");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grant_type=%zz", "grant_type=client_credentials&%", "%C3%28=x", "=&=&&"})
  void malformedFormEncodingIsAClientError(String body) {
    Answer answer = http.post("/oauth2/token", "application/x-www-form-urlencoded", body);
    assertThat(answer.status()).isBetween(400, 499);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.body()).doesNotContain("Exception");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/me?access_token=x&a=%zz", "/auth/login?a=%", "/oauth2/token?%zz", "/health?x=%G0"})
  void malformedQueryStringIsInvalidRequest(String path) {
    Answer answer = path.startsWith("/api") || path.startsWith("/health") ? http.raw("GET", path, null, "")
        : http.raw("POST", path, "application/x-www-form-urlencoded", "grant_type=client_credentials");
    assertJsonError(answer, 400, "invalid_request");
  }

  @Test
  void nonUtf8JsonIsInvalidRequest() {
    Answer answer = http.post("/auth/login", "application/json", "{\"username\":\"\udc00\",\"password\":\"x\"}");
    assertThat(answer.status()).isBetween(400, 499);
  }

  @Test
  void unknownRouteIsNotFoundJson() {
    assertJsonError(http.get("/does/not/exist"), 404, "not_found");
  }

  @Test
  void wrongMethodIsMethodNotAllowedJson() {
    assertJsonError(http.get("/auth/login"), 405, "method_not_allowed");
    assertJsonError(http.method("DELETE", "/oauth2/token"), 405, "method_not_allowed");
  }

  @Test
  void bearerWithoutCredentialsIs401WithAChallengeWithoutErrorCode() {
    Answer answer = http.get("/api/v1/me");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");
    // The body's code is ours, and none of RFC 6750's: those would claim a bad request or token.
    assertThat(answer.json().getString("error")).isEqualTo("missing_token");
  }

  @Test
  void otherSchemeCountsAsNoCredentials() {
    Answer answer = http.get("/api/v1/me", "Authorization", "Basic dXNlcjpwYXNz");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");
  }

  @Test
  void malformedBearerHeaderIsInvalidRequest() {
    Answer answer = http.get("/api/v1/me", "Authorization", "Bearer two tokens");
    assertJsonError(answer, 400, "invalid_request");
    assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer realm=\"keycard\", error=\"invalid_request\"");
  }

  @Test
  void twoAuthorizationHeadersAreInvalidRequest() {
    String access = http.login("erin", "erin's password").json().getString("access_token");
    Answer answer = http.get("/api/v1/me", "Authorization", "Bearer " + access, "Authorization", "Bearer " + access);
    assertJsonError(answer, 400, "invalid_request");
  }

  @Test
  void forgedTokenIsInvalidToken() {
    String access = http.login("erin", "erin's password").json().getString("access_token");
    String forged = access.substring(0, access.lastIndexOf('.') + 1) + "AAAA" + access.substring(access.lastIndexOf('.') + 5);
    Answer answer = http.me(forged);
    assertJsonError(answer, 401, "invalid_token");
    assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer realm=\"keycard\", error=\"invalid_token\"");
  }

  @Test
  void garbageTokenIsInvalidTokenWithoutEchoingIt() {
    Answer answer = http.me("eyJnot.a.jwt");
    assertJsonError(answer, 401, "invalid_token");
    assertThat(answer.body() + answer.header("WWW-Authenticate")).doesNotContain("eyJnot");
  }

  @Test
  void tokenOverTheMaximumSizeIsInvalidToken() {
    Answer answer = http.me("a".repeat(8193));
    assertJsonError(answer, 401, "invalid_token");
    assertThat(answer.json().getString("error_description")).isEqualTo("The access token is too large");
  }

  @Test
  void accessTokenInTheQueryStringIsRefused() {
    String access = http.login("erin", "erin's password").json().getString("access_token");
    Answer answer = http.get("/api/v1/me?access_token=" + access);
    assertJsonError(answer, 400, "invalid_request");
    assertThat(answer.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
  }
}
