package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web player's files as served: from the jar, with the security headers every page needs. */
class WebPagesTest {
  @TempDir
  Path dir;

  @Test
  void everyFileOfThePlayerComesWithAStrictContentSecurityPolicyAndNoReferrer() {
    try (TestKeycard keycard = TestKeycard.start(dir, c -> c.withCookieSessions(true))) {
      String edge = keycard.server().edgeBaseUrl();
      for (String[] file : new String[][] {{"/", "text/html"}, {"/assets/viewer.js", "text/javascript"},
          {"/assets/keycard.css", "text/css"}, {"/assets/hls.min.js", "text/javascript"}, {"/operator", "text/html"},
          {"/assets/session.js", "text/javascript"}, {"/assets/operator.js", "text/javascript"}}) {
        Answer answer = keycard.http().get(file[0]);
        assertThat(answer.status()).as(file[0]).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith(file[1]);
        String csp = answer.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "script-src 'self';", "style-src 'self';",
                "frame-ancestors 'none'", "connect-src 'self' " + edge, "media-src 'self' blob: " + edge)
            .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("*");
        assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
      }
    }
  }

  @Test
  void thePageLoadsNothingFromAnotherOriginAndHasNoInlineCode() {
    try (TestKeycard keycard = TestKeycard.start(dir, c -> c.withCookieSessions(true))) {
      String page = keycard.http().get("/").body();
      assertThat(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn")
          .doesNotContain(" style=").doesNotContain("onclick").doesNotContain("<script>");
      assertThat(page).contains("<script src=\"/assets/hls.min.js\" defer></script>");
    }
  }

  @Test
  void withoutCookieSessionsThereIsNoPlayer() {
    try (TestKeycard keycard = TestKeycard.start(dir)) {
      assertThat(keycard.http().get("/").status()).isEqualTo(404);
      assertThat(keycard.http().get("/assets/viewer.js").status()).isEqualTo(404);
      assertThat(keycard.http().postJson("/auth/session", new io.vertx.core.json.JsonObject()).status()).isEqualTo(404);
    }
  }
}
