package dev.keycard.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The web player at {@code /} and the operator page at {@code /operator}: two pages and their
 * scripts and styles, all served from the jar (hls.js
 * comes from its WebJar, pinned at build time; nothing is loaded from a CDN). Read once, at start.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts and styles from keycard's
 * own origin only (no inline code, no {@code eval}), media and fetches from keycard and the edge
 * only, and no framing; {@code Referrer-Policy: no-referrer} keeps signed URLs out of
 * {@code Referer} headers.
 */
final class WebPages {
  private static final String ROOT = "web/";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  /** Path on the API listener → what it serves. */
  private static final Map<String, Asset> FILES = Map.of(
      "/", page("keycard", "viewer.html", "hls.min.js", "session.js", "viewer.js"),
      "/operator", page("keycard · operator", "operator.html", "session.js", "operator.js"),
      "/assets/session.js", Asset.of(ROOT + "session.js", JAVASCRIPT),
      "/assets/viewer.js", Asset.of(ROOT + "viewer.js", JAVASCRIPT),
      "/assets/operator.js", Asset.of(ROOT + "operator.js", JAVASCRIPT),
      "/assets/keycard.css", Asset.of(ROOT + "keycard.css", "text/css; charset=utf-8"));
  private static final Asset HLS_JS = Asset.of("META-INF/resources/webjars/hls.js/" + hlsJsVersion()
      + "/dist/hls.min.js", JAVASCRIPT);

  private final String contentSecurityPolicy;

  /** @param mediaBaseUrl where stream-start's URLs point (the edge), or {@code null} for this origin only */
  WebPages(String mediaBaseUrl) {
    String media = mediaBaseUrl == null ? "" : " " + origin(mediaBaseUrl);
    this.contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "media-src 'self' blob:" + media + "; connect-src 'self'" + media + "; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  void mount(Router router) {
    FILES.forEach((path, asset) -> router.get(path).handler(ctx -> serve(ctx, asset)));
    router.get("/assets/hls.min.js").handler(ctx -> serve(ctx, HLS_JS));
  }

  private void serve(RoutingContext ctx, Asset asset) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.type())
        // Revalidated each time: a new keycard version is picked up by the next load.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", contentSecurityPolicy)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .end(asset.body());
  }

  /** {@code scheme://host[:port]} of a URL: what a CSP source names. */
  static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /**
   * A page: the shell every page shares ({@code page.html}: the header with the account, the message
   * line, the sign-in form) around the page's own markup, with its title and scripts. Assembled once,
   * from constants only.
   */
  private static Asset page(String title, String content, String... scripts) {
    StringBuilder tags = new StringBuilder();
    for (String script : scripts) {
      tags.append("  <script src=\"/assets/").append(script).append("\" defer></script>\n");
    }
    String html = text(ROOT + "page.html").replace("{{title}}", title).replace("{{scripts}}\n", tags)
        .replace("{{content}}\n", text(ROOT + content));
    return new Asset(Buffer.buffer(html.getBytes(StandardCharsets.UTF_8)), HTML);
  }

  private static String text(String resource) {
    return new String(bytes(resource), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String resource) {
    try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Asset(Buffer body, String type) {
    static Asset of(String resource, String type) {
      return new Asset(Buffer.buffer(bytes(resource)), type);
    }
  }

  /** The bundled hls.js version, from its WebJar's Maven metadata. */
  private static String hlsJsVersion() {
    try (InputStream in = WebPages.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/hls.js/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the hls.js WebJar is missing from the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
