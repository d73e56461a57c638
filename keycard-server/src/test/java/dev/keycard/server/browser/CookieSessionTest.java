package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser sessions in cookies, over real HTTP, as a browser would send them: what the cookies are,
 * that the API takes them as a credential, and that nothing changes state without the session's CSRF
 * token from keycard's own origin.
 */
class CookieSessionTest {
  static final String PASSWORD = "correct horse battery";

  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static String origin;

  @BeforeAll
  static void start() {
    // A grace window, as in production (10 s by default): two tabs refreshing at once must not look like reuse.
    ServerConfig config = new ServerConfig(dataDir, "127.0.0.1", 0, TestKeycard.ISSUER, TestKeycard.AUDIENCE,
        Duration.ofMinutes(15), TokenFormat.JWT, SigningAlgorithm.ES256, null, Duration.ofSeconds(30),
        Duration.ofDays(14), Duration.ofDays(30), Duration.ofSeconds(10), 8192).withCookieSessions(true);
    keycard = TestKeycard.start(config, InstantSource.system());
    http = keycard.http();
    origin = http.base();
    keycard.addUser("alice", PASSWORD, "profile stream:watch");
    keycard.addUser("bob", PASSWORD, "profile");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void signingInSetsHttpOnlySecureStrictCookiesAndPutsNoTokenInTheBody() {
    Answer login = signIn("alice");

    assertThat(login.status()).isEqualTo(200);
    assertThat(login.header("Cache-Control")).isEqualTo("no-store");
    List<String> cookies = login.headers().allValues("Set-Cookie");
    assertThat(cookies).hasSize(2);
    String access = cookies.stream().filter(c -> c.startsWith("__Host-keycard-access=")).findFirst().orElseThrow();
    String refresh = cookies.stream().filter(c -> c.startsWith("__Secure-keycard-refresh=")).findFirst().orElseThrow();
    // Attribute names are case-insensitive (RFC 6265 §5.2); Netty writes "HTTPOnly".
    assertThat(attributes(access)).usingElementComparator(String.CASE_INSENSITIVE_ORDER).contains("Path=/", "Max-Age=900", "Secure", "HttpOnly", "SameSite=Strict")
        .noneMatch(a -> a.startsWith("Domain"));
    assertThat(attributes(refresh)).usingElementComparator(String.CASE_INSENSITIVE_ORDER).contains("Path=/auth/session/refresh", "Max-Age=" + Duration.ofDays(14).toSeconds(),
        "Secure", "HttpOnly", "SameSite=Strict");

    JsonObject body = login.json();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("sub", "scope", "expires_in", "csrf_token");
    assertThat(body.getString("sub")).isEqualTo("alice");
    assertThat(body.getLong("expires_in")).isEqualTo(900);
    assertThat(login.body()).doesNotContain(value(access)).doesNotContain(value(refresh));
  }

  @Test
  void theAccessCookieIsACredentialForTheApi() {
    Browser alice = Browser.signIn("alice");
    Answer me = http.get("/api/v1/me", "Cookie", alice.accessCookie());
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("sub")).isEqualTo("alice");

    Answer session = http.get("/auth/session", "Cookie", alice.accessCookie());
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.json().getString("csrf_token")).isEqualTo(alice.csrf);
  }

  @Test
  void aRequestWithBothTheHeaderAndTheCookieIsInvalid() {
    Browser alice = Browser.signIn("alice");
    String token = http.login("alice", PASSWORD).json().getString("access_token");
    Answer both = http.get("/api/v1/me", "Cookie", alice.accessCookie(), "Authorization", "Bearer " + token);
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().getString("error")).isEqualTo("invalid_request");
    assertThat(both.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
    Browser alice = Browser.signIn("alice");
    Answer logout = http.post("/auth/session/logout", null, "", "Cookie", alice.accessCookie(), "Origin", origin);
    assertThat(logout.status()).isEqualTo(403);
    assertThat(logout.json().getString("error")).isEqualTo("csrf_rejected");
    assertThat(logout.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(http.get("/api/v1/me", "Cookie", alice.accessCookie()).status()).isEqualTo(200);
  }

  @Test
  void theCsrfTokenOfAnotherSessionIsRefused() {
    Browser alice = Browser.signIn("alice");
    Browser mallory = Browser.signIn("bob");
    Answer logout = http.post("/auth/session/logout", null, "", "Cookie", alice.accessCookie(), "Origin", origin,
        "X-CSRF-Token", mallory.csrf);
    assertThat(logout.status()).isEqualTo(403);
    assertThat(logout.json().getString("error")).isEqualTo("csrf_rejected");
    assertThat(http.get("/api/v1/me", "Cookie", alice.accessCookie()).status()).isEqualTo(200);
  }

  @Test
  void aCrossSiteRequestIsRefusedEvenWithTheRightToken() {
    Browser alice = Browser.signIn("alice");
    String[][] forgeries = {
        {"Origin", "http://evil.example"},
        {"Origin", "null"},
        {"Origin", origin.replace("127.0.0.1", "localhost")},
        {"Origin", origin, "Sec-Fetch-Site", "cross-site"},
        {"Origin", origin, "Sec-Fetch-Site", "same-site"},
        {}, // neither Origin nor fetch metadata
    };
    for (String[] headers : forgeries) {
      List<String> all = new ArrayList<>(List.of("Cookie", alice.accessCookie(), "X-CSRF-Token", alice.csrf));
      all.addAll(List.of(headers));
      Answer logout = http.post("/auth/session/logout", null, "", all.toArray(String[]::new));
      assertThat(logout.status()).as(String.join(" ", headers)).isEqualTo(403);
      assertThat(logout.json().getString("error")).isEqualTo("csrf_rejected");
    }
    assertThat(http.get("/api/v1/me", "Cookie", alice.accessCookie()).status()).isEqualTo(200);
  }

  @Test
  void safeMethodsNeedNoCsrfTokenAndHeaderClientsNeverDo() {
    Browser alice = Browser.signIn("alice");
    assertThat(http.get("/api/v1/sessions", "Cookie", alice.accessCookie()).status()).isEqualTo(200);

    String token = http.login("alice", PASSWORD).json().getString("access_token");
    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + token).status()).isEqualTo(204);
  }

  @Test
  void signingInFromAnotherOriginIsRefused() {
    // Login CSRF: another site signing the browser into an account of its choosing.
    Answer login = http.postJson("/auth/session",
        new JsonObject().put("username", "alice").put("password", PASSWORD), "Origin", "http://evil.example");
    assertThat(login.status()).isEqualTo(403);
    assertThat(login.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void refreshRotatesTheRefreshCookieAndKeepsTheCsrfToken() {
    Browser alice = Browser.signIn("alice");
    Answer refreshed = alice.silentRefresh();
    assertThat(refreshed.status()).isEqualTo(200);
    Browser after = alice.with(refreshed);
    assertThat(after.refresh).isNotEqualTo(alice.refresh);
    assertThat(after.access).isNotEqualTo(alice.access);
    assertThat(refreshed.json().getString("csrf_token")).isEqualTo(alice.csrf);
    assertThat(refreshed.body()).doesNotContain(after.access).doesNotContain(after.refresh);
    assertThat(http.get("/api/v1/me", "Cookie", after.accessCookie()).status()).isEqualTo(200);
  }

  @Test
  void refreshWithoutTheCsrfTokenOrFromAnotherOriginRotatesNothing() {
    Browser alice = Browser.signIn("alice");
    assertThat(http.post("/auth/session/refresh", null, "", "Cookie", alice.refreshCookie(), "Origin", origin).status())
        .isEqualTo(403);
    assertThat(http.post("/auth/session/refresh", null, "", "Cookie", alice.refreshCookie(),
        "Origin", "http://evil.example", "X-CSRF-Token", alice.csrf).status()).isEqualTo(403);
    Browser mallory = Browser.signIn("bob");
    assertThat(http.post("/auth/session/refresh", null, "", "Cookie", alice.refreshCookie(), "Origin", origin,
        "X-CSRF-Token", mallory.csrf).status()).isEqualTo(403);
    // Not spent: with a zero-tolerance reading, a spent token would now be reuse.
    assertThat(alice.silentRefresh().status()).isEqualTo(200);
  }

  @Test
  void aPageWithoutItsCsrfTokenGetsItFromTheRefreshCookie() {
    Browser alice = Browser.signIn("alice");
    Answer csrf = http.get("/auth/session/refresh", "Cookie", alice.refreshCookie());
    assertThat(csrf.status()).isEqualTo(200);
    assertThat(csrf.json().getString("csrf_token")).isEqualTo(alice.csrf);
    assertThat(http.get("/auth/session/refresh").status()).isEqualTo(401);
  }

  @Test
  void twoTabsRefreshingAtTheSameMomentKeepTheSession() {
    Browser alice = Browser.signIn("alice");
    CompletableFuture<Answer> tabA = CompletableFuture.supplyAsync(alice::silentRefresh);
    CompletableFuture<Answer> tabB = CompletableFuture.supplyAsync(alice::silentRefresh);
    Answer a = tabA.join();
    Answer b = tabB.join();
    assertThat(a.status()).isEqualTo(200);
    assertThat(b.status()).isEqualTo(200);
    // The grace window gives both the same successor: whichever cookie the browser keeps works.
    assertThat(alice.with(a).refresh).isEqualTo(alice.with(b).refresh);
    assertThat(alice.with(b).silentRefresh().status()).isEqualTo(200);
  }

  @Test
  void signingOutRevokesTheSessionAndClearsBothCookies() {
    Browser alice = Browser.signIn("alice");
    Answer logout = http.post("/auth/session/logout", null, "", "Cookie", alice.accessCookie(), "Origin", origin,
        "X-CSRF-Token", alice.csrf);
    assertThat(logout.status()).isEqualTo(204);
    assertThat(logout.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("__Host-keycard-access=;").contains("Max-Age=0", "Path=/"))
        .anySatisfy(c -> assertThat(c).startsWith("__Secure-keycard-refresh=;")
            .contains("Max-Age=0", "Path=/auth/session/refresh"));
    assertThat(http.get("/api/v1/me", "Cookie", alice.accessCookie()).status()).isEqualTo(401);
    Answer refresh = alice.silentRefresh();
    assertThat(refresh.status()).isEqualTo(400);
    assertThat(refresh.json().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void signingOutEverywhereEndsEverySessionOfTheAccount() {
    Browser tabA = Browser.signIn("alice");
    Browser phone = Browser.signIn("alice");
    Browser bob = Browser.signIn("bob");
    Answer everywhere = http.method("DELETE", "/api/v1/sessions", "Cookie", tabA.accessCookie(), "Origin", origin,
        "X-CSRF-Token", tabA.csrf);
    assertThat(everywhere.status()).isEqualTo(200);
    assertThat(everywhere.json().getJsonArray("revoked_sessions")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(everywhere.headers().allValues("Set-Cookie")).hasSize(2).allMatch(c -> c.contains("Max-Age=0"));
    assertThat(http.get("/api/v1/me", "Cookie", phone.accessCookie()).status()).isEqualTo(401);
    assertThat(phone.silentRefresh().status()).isEqualTo(400);
    assertThat(http.get("/api/v1/me", "Cookie", bob.accessCookie()).status()).isEqualTo(200);
  }

  @Test
  void theAccountSeesItsOwnSessionsAndEndsOneButNotAnotherAccounts() {
    Browser laptop = Browser.signIn("bob");
    Browser phone = Browser.signIn("bob");
    Browser alice = Browser.signIn("alice");
    Answer list = http.get("/api/v1/sessions", "Cookie", laptop.accessCookie());
    assertThat(list.status()).isEqualTo(200);
    var sessions = list.json().getJsonArray("sessions");
    assertThat(sessions.stream().map(o -> (JsonObject) o).filter(s -> s.getBoolean("current")))
        .singleElement().satisfies(s -> assertThat(s.getString("device")).startsWith("Java-http-client/"));
    String phoneSid = sessions.stream().map(o -> (JsonObject) o).filter(s -> !s.getBoolean("current"))
        .map(s -> s.getString("sid")).reduce((x, y) -> y).orElseThrow();
    String aliceSid = http.get("/api/v1/sessions", "Cookie", alice.accessCookie()).json().getJsonArray("sessions")
        .stream().map(o -> (JsonObject) o).filter(s -> s.getBoolean("current")).findFirst().orElseThrow()
        .getString("sid");

    Answer foreign = http.method("DELETE", "/api/v1/sessions/" + aliceSid, "Cookie", laptop.accessCookie(),
        "Origin", origin, "X-CSRF-Token", laptop.csrf);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(http.get("/api/v1/me", "Cookie", alice.accessCookie()).status()).isEqualTo(200);

    Answer end = http.method("DELETE", "/api/v1/sessions/" + phoneSid, "Cookie", laptop.accessCookie(),
        "Origin", origin, "X-CSRF-Token", laptop.csrf);
    assertThat(end.status()).isEqualTo(200);
    assertThat(end.headers().allValues("Set-Cookie")).isEmpty(); // another session: this browser stays in
    assertThat(http.get("/api/v1/me", "Cookie", laptop.accessCookie()).status()).isEqualTo(200);
  }

  static Answer signIn(String user) {
    return http.postJson("/auth/session", new JsonObject().put("username", user).put("password", PASSWORD),
        "Origin", origin);
  }

  /** What a browser holds for keycard: its two cookies, and the CSRF token the page keeps in memory. */
  record Browser(String access, String refresh, String csrf) {
    static Browser signIn(String user) {
      Answer login = CookieSessionTest.signIn(user);
      assertThat(login.status()).isEqualTo(200);
      return new Browser(null, null, null).with(login);
    }

    Browser with(Answer answer) {
      String a = access;
      String r = refresh;
      for (String c : answer.headers().allValues("Set-Cookie")) {
        if (c.startsWith("__Host-keycard-access=")) {
          a = value(c);
        } else if (c.startsWith("__Secure-keycard-refresh=")) {
          r = value(c);
        }
      }
      String token = answer.json().getString("csrf_token", csrf);
      return new Browser(a, r, token);
    }

    String accessCookie() {
      return "__Host-keycard-access=" + access;
    }

    String refreshCookie() {
      return "__Secure-keycard-refresh=" + refresh;
    }

    Answer silentRefresh() {
      return http.post("/auth/session/refresh", null, "", "Cookie", refreshCookie(), "Origin", origin,
          "X-CSRF-Token", csrf);
    }
  }

  static String value(String setCookie) {
    String pair = setCookie.split(";", 2)[0];
    return pair.substring(pair.indexOf('=') + 1);
  }

  static List<String> attributes(String setCookie) {
    List<String> out = new ArrayList<>();
    String[] parts = setCookie.split(";");
    for (int i = 1; i < parts.length; i++) {
      out.add(parts[i].trim());
    }
    return out;
  }
}
