package dev.keycard.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * hls.js, with its default configuration, playing a URL in a real Chromium: what a web app does with
 * the playlist URL that stream-start hands it. The player page is served from its own origin
 * ({@code http://127.0.0.1:<random port>}), so every playlist and segment request to the edge is
 * cross-origin, as it is for a real app. One browser tab per player.
 */
public final class HlsJsPlayer implements AutoCloseable {
  private static final String HLS_JS = "META-INF/resources/webjars/hls.js/" + hlsJsVersion() + "/dist/hls.min.js";

  private final HttpServer pages;
  private final Chromium browser;

  private HlsJsPlayer(HttpServer pages, Chromium browser) {
    this.pages = pages;
    this.browser = browser;
  }

  /** A page server and a browser; skips (or fails in CI) without Chromium. */
  public static HlsJsPlayer start() {
    Chromium browser = Chromium.start();
    try {
      HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      pages.createContext("/player.html", exchange -> serve(exchange, "player/player.html", "text/html"));
      pages.createContext("/hls.min.js", exchange -> serve(exchange, HLS_JS, "text/javascript"));
      pages.start();
      return new HlsJsPlayer(pages, browser);
    } catch (IOException e) {
      browser.close();
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a new tab playing {@code url}; the returned handle reads that tab's state. */
  public Tab play(String url) {
    ChromeDriver driver = browser.driver();
    String handle;
    if (driver.getWindowHandles().size() == 1 && "data:,".equals(driver.getCurrentUrl())) {
      handle = driver.getWindowHandle();
    } else {
      handle = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
    }
    driver.get("http://127.0.0.1:" + pages.getAddress().getPort() + "/player.html?src="
        + URLEncoder.encode(url, StandardCharsets.UTF_8));
    return new Tab(driver, handle);
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      pages.stop(0);
    }
  }

  /** One playing tab. */
  public static final class Tab {
    private final ChromeDriver driver;
    private final String handle;

    private Tab(ChromeDriver driver, String handle) {
      this.driver = driver;
      this.handle = handle;
    }

    /**
     * Waits (polling once a second) until the video has played {@code seconds} beyond where it stood
     * when called, or a fatal error, or {@code timeout}; returns the last state seen.
     */
    public PlayerState awaitPlayed(double seconds, java.time.Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      PlayerState first = state();
      PlayerState now = first;
      while (now.currentTime() - first.currentTime() < seconds && now.fatal() == null && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        now = state();
      }
      return now;
    }

    /** What the tab's video and hls.js report now. */
    @SuppressWarnings("unchecked")
    public synchronized PlayerState state() {
      driver.switchTo().window(handle);
      Map<String, Object> s = (Map<String, Object>) driver.executeScript("""
          const v = document.getElementById('video');
          const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : { totalVideoFrames: 0 };
          return { currentTime: v.currentTime, frames: q.totalVideoFrames, paused: v.paused,
                   readyState: v.readyState, errors: window.kc.errors, fatal: window.kc.fatal,
                   fragments: window.kc.fragments, levelLoads: window.kc.levelLoads,
                   manifests: window.kc.manifests };""");
      return new PlayerState(((Number) s.get("currentTime")).doubleValue(), ((Number) s.get("frames")).longValue(),
          (Boolean) s.get("paused"), ((Number) s.get("readyState")).intValue(),
          (List<Map<String, Object>>) s.get("errors"), (String) s.get("fatal"),
          ((Number) s.get("fragments")).longValue(), ((Number) s.get("levelLoads")).longValue(),
          ((Number) s.get("manifests")).longValue());
    }
  }

  /**
   * @param currentTime the video's playback position in seconds
   * @param frames      video frames decoded so far
   * @param errors      every error event hls.js raised: {@code type}, {@code details}, {@code fatal},
   *                    {@code status} (the HTTP status when a load failed, else 0)
   * @param fatal       the details of the first fatal error, or {@code null}
   */
  public record PlayerState(double currentTime, long frames, boolean paused, int readyState,
      List<Map<String, Object>> errors, String fatal, long fragments, long levelLoads, long manifests) {}

  private static void serve(com.sun.net.httpserver.HttpExchange exchange, String resource, String type) throws IOException {
    try (exchange; InputStream in = HlsJsPlayer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = in.readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static String hlsJsVersion() {
    try (InputStream in = HlsJsPlayer.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/hls.js/pom.properties")) {
      var p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the hls.js WebJar is not on the test class path", e);
    }
  }
}
