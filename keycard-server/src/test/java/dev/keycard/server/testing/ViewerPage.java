package dev.keycard.server.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One of keycard's pages (the web player at {@code /}, the operator page at {@code /operator}) in
 * one Chromium tab, driven as a person would: the form, the buttons, what the page says. Every call
 * first switches the driver to this tab.
 */
public final class ViewerPage {
  private final ChromeDriver driver;
  private final String handle;

  private ViewerPage(ChromeDriver driver, String handle) {
    this.driver = driver;
    this.handle = handle;
  }

  /** Opens {@code base}'s player in the browser's first tab if it is blank, else in a new tab. */
  public static ViewerPage open(Chromium browser, String base) {
    return open(browser, base, "/");
  }

  /** Opens {@code path} of {@code base} (e.g. {@code /operator}), as {@link #open(Chromium, String)}. */
  public static ViewerPage open(Chromium browser, String base, String path) {
    ChromeDriver driver = browser.driver();
    String handle = driver.getWindowHandles().size() == 1 && "data:,".equals(driver.getCurrentUrl())
        ? driver.getWindowHandle()
        : driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
    driver.manage().window().setSize(new Dimension(1000, 1200));
    // Before any of the page's own scripts, in every document this tab loads: CSP violations are
    // collected for the whole visit, reloads included (kept in sessionStorage, which the page never uses).
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
        document.addEventListener('securitypolicyviolation', (e) => {
          const seen = JSON.parse(sessionStorage.getItem('csp-violations') || '[]');
          seen.push(e.violatedDirective + ' ' + e.blockedURI);
          sessionStorage.setItem('csp-violations', JSON.stringify(seen));
        });"""));
    driver.get(base + path);
    return new ViewerPage(driver, handle);
  }

  /** Every Content-Security-Policy violation this tab's documents reported, on this origin. */
  @SuppressWarnings("unchecked")
  public java.util.List<String> cspViolations() {
    return (java.util.List<String>) here().executeScript(
        "return JSON.parse(sessionStorage.getItem('csp-violations') || '[]');");
  }

  /** {@code docs/images/NAME} of the checkout the tests run in: where the README's screenshots come from. */
  public static java.nio.file.Path docsImage(String name) {
    return java.nio.file.Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("images").resolve(name);
  }

  /** Writes what the tab shows now to {@code file} (PNG). */
  public void screenshot(java.nio.file.Path file) {
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.write(file, here().getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ChromeDriver here() {
    driver.switchTo().window(handle);
    return driver;
  }

  public void reload() {
    here().navigate().refresh();
  }

  /** Fills the sign-in form and submits it; waits until the page shows the viewer or a message. */
  public void signIn(String username, String password) {
    awaitTrue(() -> visible("sign-in"), Duration.ofSeconds(10), "the sign-in form");
    here().findElement(By.id("username")).sendKeys(username);
    here().findElement(By.id("password")).sendKeys(password);
    here().findElement(By.id("sign-in-button")).click();
    awaitTrue(() -> signedIn() || !message().isEmpty(), Duration.ofSeconds(10), "the sign-in answer");
  }

  /** Whether the page shows a signed-in account (its header with the sign-out buttons). */
  public boolean signedIn() {
    return visible("account");
  }

  /** Presses Watch beside {@code stream} in the list. */
  public void watch(String stream) {
    awaitTrue(() -> !here().findElements(By.cssSelector("button[data-stream='" + stream + "']")).isEmpty(),
        Duration.ofSeconds(10), "stream " + stream + " in the list");
    here().findElement(By.cssSelector("button[data-stream='" + stream + "']")).click();
  }

  /** Whether anything on the page matches {@code css}. */
  public boolean has(String css) {
    return !here().findElements(By.cssSelector(css)).isEmpty();
  }

  /** Clicks the first element matching {@code css}. */
  public void click(String css) {
    here().findElement(By.cssSelector(css)).click();
  }

  public void press(String buttonId) {
    here().findElement(By.id(buttonId)).click();
  }

  /** What the page's message line says, or "" when it shows none. */
  public String message() {
    return visible("message") ? here().findElement(By.id("message")).getText() : "";
  }

  public String text(String id) {
    return here().findElement(By.id(id)).getText();
  }

  public double currentTime() {
    return ((Number) here().executeScript("return document.getElementById('player').currentTime;")).doubleValue();
  }

  public boolean paused() {
    return (Boolean) here().executeScript(
        "const v = document.getElementById('player'); return v.paused || v.readyState < 2;");
  }

  /** Waits until the video has played {@code seconds} past where it stood when called. */
  public double awaitPlayed(double seconds, Duration timeout) {
    double start = currentTime();
    awaitTrue(() -> currentTime() - start >= seconds, timeout, "playback of " + seconds + " s");
    return currentTime();
  }

  /** Everything a script on the page can read of storage: cookies, localStorage, sessionStorage. */
  @SuppressWarnings("unchecked")
  public Map<String, String> scriptVisibleStorage() {
    return (Map<String, String>) here().executeScript("""
        const dump = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { o[s.key(i)] = s.getItem(s.key(i)); }
                              return JSON.stringify(o); };
        return { cookie: document.cookie, local: dump(localStorage), session: dump(sessionStorage) };""");
  }

  /** The video element as it is drawn now. */
  public BufferedImage videoScreenshot() {
    byte[] png = here().findElement(By.id("player")).getScreenshotAs(OutputType.BYTES);
    try {
      return ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code script} in the page (an attacker's view of it, or a test's probe) and returns its result. */
  public Object run(String script, Object... args) {
    return here().executeScript(script, args);
  }

  public Object runAsync(String script, Object... args) {
    return here().executeAsyncScript(script, args);
  }

  private boolean visible(String id) {
    return here().findElement(By.id(id)).isDisplayed();
  }

  /** Polls {@code condition} every 200 ms; fails naming {@code what} after {@code timeout}. */
  public static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
