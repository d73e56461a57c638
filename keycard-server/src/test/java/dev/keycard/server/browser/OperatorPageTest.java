package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.Chromium;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.server.testing.ViewerPage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator page at {@code /operator}, in Chromium, next to a viewer's player in another browser. */
class OperatorPageTest {
  static final String PASSWORD = "a long enough password";

  @TempDir
  Path dataDir;

  @Test
  void theOperatorSeesTheViewersSessionAndEndsItInOneClick() {
    try (TestKeycard keycard = TestKeycard.start(dataDir, c -> c.withCookieSessions(true));
        Chromium viewerBrowser = Chromium.start(); Chromium operatorBrowser = Chromium.start()) {
      keycard.addUser("viewer", PASSWORD, "profile stream:watch");
      keycard.addUser("operator", PASSWORD, "profile keycard:admin");
      ViewerPage viewer = ViewerPage.open(viewerBrowser, keycard.http().base());
      viewer.signIn("viewer", PASSWORD);
      viewer.watch("demo");
      viewer.awaitPlayed(2, Duration.ofSeconds(60));

      ViewerPage operator = ViewerPage.open(operatorBrowser, keycard.http().base(), "/operator");
      operator.signIn("operator", PASSWORD);
      ViewerPage.awaitTrue(() -> operator.has("#sessions tr[data-user='viewer']"), Duration.ofSeconds(15),
          "the viewer's session on the operator page");
      assertThat(operator.text("sessions")).contains("viewer").contains("demo");
      assertThat(operator.text("streams")).contains("demo").contains("live");
      assertThat(operator.text("figures")).contains("Active sessions").contains("Logins");
      operator.screenshot(ViewerPage.docsImage("operator.png"));

      operator.click("#sessions tr[data-user='viewer'] button");

      ViewerPage.awaitTrue(() -> operator.message().contains("ended on every instance"), Duration.ofSeconds(10),
          "the operator told the session ended");
      ViewerPage.awaitTrue(() -> !viewer.signedIn(), Duration.ofSeconds(30), "the viewer's session ended");
      assertThat(viewer.message()).contains("session has ended");
      assertThat(viewer.cspViolations()).isEmpty();
      assertThat(operator.cspViolations()).isEmpty();
    }
  }

  @Test
  void anAccountWithoutTheAdminScopeIsToldThePageIsNotForIt() {
    try (TestKeycard keycard = TestKeycard.start(dataDir, c -> c.withCookieSessions(true));
        Chromium browser = Chromium.start()) {
      keycard.addUser("viewer", PASSWORD, "profile stream:watch");
      ViewerPage page = ViewerPage.open(browser, keycard.http().base(), "/operator");
      page.signIn("viewer", PASSWORD);
      ViewerPage.awaitTrue(() -> page.message().contains("keycard:admin"), Duration.ofSeconds(10),
          "the refusal");
      assertThat(page.has("#operator:not([hidden])")).isFalse();
      assertThat(page.cspViolations()).isEmpty();
    }
  }
}
