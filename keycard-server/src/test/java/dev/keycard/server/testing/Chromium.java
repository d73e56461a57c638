package dev.keycard.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's ChromeDriver through Selenium. Both binaries are
 * named explicitly, so Selenium Manager never tries to download a browser or a driver (the tests
 * run without internet). The flags are those that keep Chromium off the network: no background
 * networking, component updates, sync or QUIC. Each instance has its own empty profile.
 */
public final class Chromium implements AutoCloseable {
  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a browser; skips (or, with {@code KEYCARD_REQUIRE_TOOLS=true}, fails) without Chromium. */
  public static Chromium start() {
    String browser = SystemTools.require("chromium");
    String chromedriver = SystemTools.require("chromedriver");
    try {
      Path profile = Files.createTempDirectory("keycard-chromium");
      ChromeOptions options = new ChromeOptions().setBinary(browser).addArguments(
          "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
          // A live player in a background tab must keep playing as a foreground one does.
          "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
          "--user-data-dir=" + profile);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10)).pageLoadTimeout(Duration.ofSeconds(30));
      return new Chromium(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A profile left in /tmp is harmless.
    }
  }
}
