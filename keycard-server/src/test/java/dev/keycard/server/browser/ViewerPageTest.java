package dev.keycard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.server.testing.Chromium;
import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.server.testing.ViewerPage;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keycard's web player in Debian's Chromium, signed in through its form, with 20-second access
 * tokens so that silent refreshes happen every few seconds.
 */
class ViewerPageTest {
  static final String PASSWORD = "a viewer's long password";
  static final Duration ACCESS_LIFE = Duration.ofSeconds(20);

  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static String base;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(TestKeycard.config(dataDir, ACCESS_LIFE).withCookieSessions(true),
        InstantSource.system());
    base = keycard.http().base();
    for (String user : new String[] {"ana", "ben", "cai", "dee", "eve"}) {
      keycard.addUser(user, PASSWORD, "profile stream:watch");
    }
    keycard.addUser("fay", PASSWORD, "profile");
  }

  @AfterAll
  static void stop() {
    keycard.close();
  }

  @Test
  void signingInThroughTheFormPlaysTheStreamAndLeavesNoTokenWhereAScriptCouldReadIt() {
    try (Chromium browser = Chromium.start()) {
      ViewerPage page = ViewerPage.open(browser, base);
      page.signIn("ana", PASSWORD);
      assertThat(page.signedIn()).as(page.message()).isTrue();
      assertThat(page.text("who")).contains("ana");

      page.watch("demo");
      assertThat(page.awaitPlayed(6, Duration.ofSeconds(60))).isGreaterThanOrEqualTo(6);
      assertThat(litFraction(page.videoScreenshot())).as("share of the frame that is not black").isGreaterThan(0.2);
      page.screenshot(ViewerPage.docsImage("viewer.png"));

      Map<String, String> storage = page.scriptVisibleStorage();
      assertThat(storage.get("cookie")).isEmpty();
      assertThat(storage.get("local")).isEqualTo("{}");
      assertThat(storage.get("session")).isEqualTo("{}");

      page.reload();
      ViewerPage.awaitTrue(page::signedIn, Duration.ofSeconds(10), "the session after a reload");
      assertThat(page.text("who")).contains("ana");
      assertThat(page.cspViolations()).isEmpty();
    }
  }

  @Test
  void playbackAndApiCallsGoOnAcrossSilentRefreshesInTwoTabsOfOneSession() {
    MeterRegistry meters = keycard.server().services().monitoring().meters();
    double refreshesBefore = count(meters, "keycard.tokens.issued", "grant_type", "refresh_token");
    double reuseBefore = count(meters, "keycard.refresh.reuse", null, null);
    try (Chromium browser = Chromium.start()) {
      ViewerPage first = ViewerPage.open(browser, base);
      first.signIn("ben", PASSWORD);
      ViewerPage second = ViewerPage.open(browser, base); // the same cookies: the same session
      ViewerPage.awaitTrue(second::signedIn, Duration.ofSeconds(10), "the second tab signed in");
      first.watch("demo");

      // Three access-token lives: each tab's timer wants a refresh in every one of them, at the same moments.
      first.awaitPlayed(60, Duration.ofSeconds(150));

      assertThat(first.signedIn()).as(first.message()).isTrue();
      assertThat(second.signedIn()).as(second.message()).isTrue();
      assertThat(status(first, "/api/v1/me")).isEqualTo(200);
      assertThat(status(second, "/api/v1/me")).isEqualTo(200);
      assertThat(first.cspViolations()).isEmpty();
      assertThat(second.cspViolations()).isEmpty();

      // "Sign out everywhere" in one tab ends the other at once (the same cookies, and a message between tabs).
      second.press("sign-out-everywhere");
      ViewerPage.awaitTrue(() -> !first.signedIn(), Duration.ofSeconds(10), "the first tab signed out");
      assertStopped(first);
    }
    assertThat(count(meters, "keycard.tokens.issued", "grant_type", "refresh_token") - refreshesBefore)
        .as("silent refreshes").isGreaterThanOrEqualTo(3);
    assertThat(count(meters, "keycard.refresh.reuse", null, null)).as("refresh tokens reused").isEqualTo(reuseBefore);
  }

  @Test
  void signingOutStopsPlayback() {
    try (Chromium browser = Chromium.start()) {
      ViewerPage page = ViewerPage.open(browser, base);
      page.signIn("cai", PASSWORD);
      page.watch("demo");
      page.awaitPlayed(2, Duration.ofSeconds(60));

      page.press("sign-out");

      ViewerPage.awaitTrue(() -> !page.signedIn(), Duration.ofSeconds(10), "the sign-in form");
      assertThat(page.message()).contains("signed out");
      assertStopped(page);
      assertThat(status(page, "/api/v1/me")).isEqualTo(401);
      assertThat(page.cspViolations()).isEmpty();
    }
  }

  @Test
  void signingOutEverywhereOnOneDeviceEndsTheSessionOnAnother() {
    try (Chromium laptop = Chromium.start(); Chromium phone = Chromium.start()) {
      ViewerPage onLaptop = ViewerPage.open(laptop, base);
      onLaptop.signIn("dee", PASSWORD);
      ViewerPage onPhone = ViewerPage.open(phone, base);
      onPhone.signIn("dee", PASSWORD);
      onPhone.watch("demo");
      onPhone.awaitPlayed(2, Duration.ofSeconds(60));

      onLaptop.press("sign-out-everywhere");

      ViewerPage.awaitTrue(() -> !onLaptop.signedIn(), Duration.ofSeconds(10), "the laptop signed out");
      // The phone learns it from the edge (its next playlist is refused) or from its next API call.
      ViewerPage.awaitTrue(() -> !onPhone.signedIn(), Duration.ofSeconds(30), "the phone's session ended");
      assertThat(onPhone.message()).contains("session has ended");
      assertStopped(onPhone);
      assertThat(onLaptop.cspViolations()).isEmpty();
      assertThat(onPhone.cspViolations()).isEmpty();
    }
  }

  @Test
  void aPageOnAnotherOriginCanNeitherChangeStateWithTheViewersCookiesNorReadTheApi() throws Exception {
    HttpServer attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    attacker.createContext("/", exchange -> HlsJsPlayer.respond(exchange, 200, "text/html",
        "<!doctype html><title>elsewhere</title>".getBytes(StandardCharsets.UTF_8)));
    attacker.start();
    try (Chromium browser = Chromium.start()) {
      ViewerPage victim = ViewerPage.open(browser, base);
      victim.signIn("eve", PASSWORD);
      // Same host, another port: the same site, so SameSite=Strict cookies do go along; CSRF checks must hold.
      ViewerPage evil = ViewerPage.open(browser, "http://127.0.0.1:" + attacker.getAddress().getPort());

      Object forged = evil.runAsync("""
          const done = arguments[arguments.length - 1];
          const target = arguments[0];
          const results = {};
          const attempt = (name, url, init) => fetch(url, init)
              .then(r => { results[name] = r.type === 'opaque' ? 'sent, unreadable' : 'read ' + r.status; })
              .catch(e => { results[name] = 'blocked'; });
          Promise.all([
            attempt('logout', target + '/auth/session/logout', {method: 'POST', mode: 'no-cors', credentials: 'include'}),
            attempt('everywhere', target + '/api/v1/sessions',
                {method: 'DELETE', credentials: 'include', headers: {'X-CSRF-Token': 'guessed'}}),
            attempt('read', target + '/api/v1/sessions', {credentials: 'include'}),
          ]).then(() => done(results));""", base);

      @SuppressWarnings("unchecked")
      Map<String, String> results = (Map<String, String>) forged;
      assertThat(results.get("read")).isEqualTo("blocked"); // no CORS grant: the answer never reaches the script
      assertThat(results.get("everywhere")).isEqualTo("blocked"); // a custom header needs a preflight, refused
      assertThat(results.get("logout")).isEqualTo("sent, unreadable"); // sent, and refused by the CSRF check
      assertThat(status(victim, "/api/v1/me")).isEqualTo(200);
      assertThat(victim.signedIn()).isTrue();
    } finally {
      attacker.stop(0);
    }
  }

  @Test
  void watchingAStreamThatIsNotLiveSaysItIsOffline() {
    String secret = keycard.addClient("studio", "stream:publish");
    String publisher = keycard.http().postForm("/oauth2/token", TestHttp.params("grant_type", "client_credentials"),
        "Authorization", TestHttp.basic("studio", secret)).json().getString("access_token");
    assertThat(keycard.http().postJson("/api/v1/streams", new JsonObject().put("stream_id", "tomorrow"),
        "Authorization", "Bearer " + publisher).status()).isIn(200, 201);
    try (Chromium browser = Chromium.start()) {
      ViewerPage page = ViewerPage.open(browser, base);
      page.signIn("ana", PASSWORD);
      ViewerPage.awaitTrue(() -> page.text("streams").contains("tomorrow"), Duration.ofSeconds(10), "the stream list");
      assertThat(page.text("streams")).contains("offline");

      page.watch("tomorrow");

      ViewerPage.awaitTrue(() -> page.message().contains("offline"), Duration.ofSeconds(30), "the offline message");
      assertThat(page.signedIn()).isTrue();
      assertThat(page.cspViolations()).isEmpty();
    }
  }

  @Test
  void theContentSecurityPolicyRefusesScriptInjectedIntoThePageAndTheTestsSeeIt() {
    try (Chromium browser = Chromium.start()) {
      ViewerPage page = ViewerPage.open(browser, base);
      Object ran = page.runAsync("""
          const done = arguments[arguments.length - 1];
          window.injected = false;
          const script = document.createElement('script');
          script.textContent = 'window.injected = true;';
          document.head.append(script);
          setTimeout(() => done(window.injected), 200);""");
      assertThat(ran).isEqualTo(false);
      assertThat(page.cspViolations()).singleElement().asString().startsWith("script-src");
    }
  }

  @Test
  void aSecondDeviceBeyondTheAccountsStreamLimitIsToldWhy(@TempDir Path otherData) {
    ServerConfig config = TestKeycard.config(otherData).withCookieSessions(true);
    config = config.withAbuse(config.abuse().withStreamLimits(
        new StreamLimits(1, StreamLimitPolicy.REFUSE, Duration.ofSeconds(30))));
    try (TestKeycard limited = TestKeycard.start(config, InstantSource.system());
        Chromium tv = Chromium.start(); Chromium phone = Chromium.start()) {
      limited.addUser("gil", PASSWORD, "profile stream:watch");
      ViewerPage onTv = ViewerPage.open(tv, limited.http().base());
      onTv.signIn("gil", PASSWORD);
      onTv.watch("demo");
      onTv.awaitPlayed(2, Duration.ofSeconds(60));

      ViewerPage onPhone = ViewerPage.open(phone, limited.http().base());
      onPhone.signIn("gil", PASSWORD);
      onPhone.watch("demo");

      ViewerPage.awaitTrue(() -> onPhone.message().contains("as many streams as your account allows"),
          Duration.ofSeconds(10), "the stream-limit message");
      assertThat(onTv.awaitPlayed(2, Duration.ofSeconds(30))).isPositive();
      assertThat(onPhone.cspViolations()).isEmpty();
    }
  }

  @Test
  void anAccountThatMayWatchNothingIsToldSo() {
    try (Chromium browser = Chromium.start()) {
      ViewerPage page = ViewerPage.open(browser, base);
      page.signIn("fay", PASSWORD);
      ViewerPage.awaitTrue(() -> page.text("streams").contains("may not watch any stream"), Duration.ofSeconds(10),
          "the empty stream list");
      assertThat(page.cspViolations()).isEmpty();
    }
  }

  private static long status(ViewerPage page, String path) {
    return ((Number) page.runAsync("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), () => done(-1));""", path))
        .longValue();
  }

  private static double count(MeterRegistry meters, String name, String tag, String value) {
    var search = meters.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return search.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** The share of pixels brighter than near-black: a decoded frame, not an empty video element. */
  private static double litFraction(BufferedImage image) {
    long lit = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int brightness = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
        if (brightness > 3 * 40) {
          lit++;
        }
      }
    }
    return (double) lit / ((long) image.getWidth() * image.getHeight());
  }

  /** The video stands still: its position does not move in 3 s. */
  private static void assertStopped(ViewerPage page) {
    double stoppedAt = page.currentTime();
    sleep(Duration.ofSeconds(3));
    assertThat(page.currentTime()).as("playback position 3 s later").isEqualTo(stoppedAt);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
