package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.keycard.core.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx directory tokens ({@code /s/{md5}/{expires}/live/{stream}/{file}}): our signer and verifier,
 * then a real nginx running the configuration {@link NginxDirectoryToken#nginxLocations} renders, in
 * front of a recording origin (docs/signed-urls.md, scheme 5).
 */
class NginxDirectoryTokenTest {
  private static final String SECRET = "dir-0123456789abcdefghijABCDEFGHIJ-_.!";

  private final MutableClock clock = MutableClock.atFixedStart();
  private final NginxDirectoryToken token = NginxDirectoryToken.of(SECRET, false);
  private final UrlSigner signer = token.signer();
  private final SignedUrlVerifier verifier = token.verifier(clock);

  private Instant inOneHour() {
    return clock.instant().plus(Duration.ofHours(1));
  }

  private static UrlRejection reason(UrlCheck c) {
    assertThat(c).isInstanceOf(UrlCheck.Invalid.class);
    return ((UrlCheck.Invalid) c).reason();
  }

  /** The same file name in another directory of the signed URL. */
  private static String elsewhere(String url, String directory) {
    return url.replace("/live/demo/", directory);
  }

  @Test
  void signWhenFileInStreamDirectoryThenTokenPrecedesThePath() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));

    assertThat(url).matches("/s/[A-Za-z0-9_-]{22}/\\d+/live/demo/index\\.m3u8");
  }

  @Test
  void hashIsMd5OfExpiresDirectoryAndSecret() throws Exception {
    long exp = inOneHour().getEpochSecond();
    byte[] md5 = MessageDigest.getInstance("MD5").digest((exp + "/live/demo/ " + SECRET).getBytes(StandardCharsets.US_ASCII));

    assertThat(signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour())))
        .isEqualTo("/s/" + Base64.getUrlEncoder().withoutPadding().encodeToString(md5) + "/" + exp + "/live/demo/index.m3u8");
  }

  @Test
  void verifyWhenRelativeUriOfThePlaylistThenValidForThatFile() {
    String playlist = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));
    String segment = playlist.replace("index.m3u8", "seg-7.ts");

    UrlCheck.Valid valid = (UrlCheck.Valid) verifier.verify(segment, null, null);

    assertThat(valid.path()).isEqualTo("/live/demo/seg-7.ts");
    assertThat(valid.scope()).isEqualTo("/live/demo/");
    assertThat(valid.expiresAt()).isEqualTo(Instant.ofEpochSecond(inOneHour().getEpochSecond()));
  }

  @Test
  void verifyWhenAnotherStreamDirectoryThenBadSignature() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));

    assertThat(reason(verifier.verify(elsewhere(url, "/live/other/"), null, null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(verifier.verify(elsewhere(url, "/live/demo2/"), null, null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSubdirectoryThenMalformed() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));

    assertThat(reason(verifier.verify(url.replace("index.m3u8", "720p/index.m3u8"), null, null))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void verifyWhenExpiredThenExpiredOnlyAfterTheExpirySecondAsNginxDoes() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));
    clock.advance(Duration.ofHours(1).plusMillis(999));
    assertThat(verifier.verify(url, null, null).valid()).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(reason(verifier.verify(url, null, null))).isEqualTo(UrlRejection.EXPIRED);
  }

  @Test
  void verifyWhenExpiryExtendedThenBadSignature() {
    long exp = inOneHour().getEpochSecond();
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));

    assertThat(reason(verifier.verify(url.replace("/" + exp + "/", "/" + (exp + 86_400) + "/"), null, null)))
        .isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenTraversalShapesThenRefusedBeforeAnyHash() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));
    String token = url.substring(0, url.indexOf("/live/"));

    assertThat(reason(verifier.verify(token + "/live/demo/../other/index.m3u8", null, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify(token + "/live/demo/%2e%2e/other/index.m3u8", null, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify(token + "/live/demo//index.m3u8", null, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify(token + "/live/demo%2findex.m3u8", null, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify(token + "/live/demo/%69ndex.m3u8", null, null))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void verifyWhenNoTokenThenMissingSignature() {
    assertThat(reason(verifier.verify("/live/demo/index.m3u8", null, null))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
  }

  @Test
  void bindingTheClientAddressCoversIt() {
    NginxDirectoryToken bound = NginxDirectoryToken.of(SECRET, true);
    String url = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("192.0.2.7"));

    assertThat(bound.verifier(clock).verify(url, null, "192.0.2.7").valid()).isTrue();
    assertThat(reason(bound.verifier(clock).verify(url, null, "192.0.2.8"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(bound.verifier(clock).verify(url, null, null))).isEqualTo(UrlRejection.WRONG_CLIENT);
  }

  @Test
  void signRefusesWhatNginxCouldNotCheck() {
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/vod/film/index.m3u8", inOneHour()))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/live/demo/720p/index.m3u8", inOneHour()))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("192.0.2.7")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signWhenDirectoryThenTokenForTheWholeDirectory() {
    String directory = signer.sign(UrlGrant.of("/live/demo/", inOneHour()));

    assertThat(verifier.verify(directory + "seg-1.ts", null, null).valid()).isTrue();
  }

  @Test
  void rendersTheExpressionThatMatchesTheSigner() {
    String plain = token.nginxLocations("http://127.0.0.1:8080", "origin-0123456789abcdefghijABCDEFGHIJ");
    String bound = NginxDirectoryToken.of(SECRET, true).nginxLocations("https://origin.example.com", "origin-0123456789abcdefghijABCDEFGHIJ");

    assertThat(plain).contains("secure_link_md5 \"$secure_link_expires$kc_dir " + SECRET + "\";")
        .contains("proxy_pass http://127.0.0.1:8080;")
        .contains("proxy_set_header Keycard-Origin-Secret \"origin-0123456789abcdefghijABCDEFGHIJ\";")
        .doesNotContain("proxy_ssl_server_name");
    assertThat(bound).contains("secure_link_md5 \"$secure_link_expires$kc_dir$remote_addr " + SECRET + "\";")
        .contains("proxy_ssl_server_name on;");
  }

  @Test
  void refusesSecretsAndOriginsThatCouldChangeTheNginxConfiguration() {
    assertThatThrownBy(() -> NginxDirectoryToken.of("short", false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NginxDirectoryToken.of("0123456789abcdefghij0123456789$remote_addr", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> token.nginxLocations("http://127.0.0.1:8080", "origin\"; return 200; #0123456789abcdef"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> token.nginxLocations("http://127.0.0.1:8080/x; return 200", "origin-0123456789abcdefghij0123456789"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(token.toString()).doesNotContain(SECRET);
  }

  /**
   * The same tokens against nginx itself, configured by {@link NginxDirectoryToken#nginxLocations},
   * proxying to a recording origin (a real HTTP server). nginx reads the real clock, so grants are
   * made relative to the real time.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstRealNginx {
    private static final String ORIGIN_SECRET = "origin-0123456789abcdefghijABCDEFGHIJ";
    private final NginxDirectoryToken open = NginxDirectoryToken.of(SECRET, false);
    private final NginxDirectoryToken bound = NginxDirectoryToken.of("bound-" + SECRET, true);
    private final Clock realTime = Clock.systemUTC();
    private final List<String> originRequests = Collections.synchronizedList(new ArrayList<>());
    private HttpServer origin;
    private RealNginx nginx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
      if (RealNginx.find().isEmpty()) {
        return; // each test then skips (or fails in CI) in requireNginx()
      }
      origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      origin.createContext("/", exchange -> {
        String secret = exchange.getRequestHeaders().getFirst("Keycard-Origin-Secret");
        originRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
            + " secret=" + ORIGIN_SECRET.equals(secret) + " cookie=" + exchange.getRequestHeaders().getFirst("Cookie"));
        byte[] body = ("served " + exchange.getRequestURI().getRawPath()).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          if (!exchange.getRequestMethod().equals("HEAD")) {
            out.write(body);
          }
        }
      });
      origin.start();
      String originUrl = "http://127.0.0.1:" + origin.getAddress().getPort();
      nginx = RealNginx.start(dir, open.nginxLocations(originUrl, ORIGIN_SECRET).indent(4));
    }

    @BeforeEach
    void requireNginx() {
      RealNginx.requireNginx();
      originRequests.clear();
    }

    @AfterAll
    void stop() {
      if (nginx != null) {
        nginx.close();
      }
      if (origin != null) {
        origin.stop(0);
      }
    }

    private Instant hourAhead() {
      return realTime.instant().plus(Duration.ofHours(1));
    }

    private String playlist() {
      return open.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()));
    }

    @Test
    void nginxServesEveryFileOfTheSignedDirectoryFromTheOrigin() throws Exception {
      String url = playlist();

      assertThat(status("GET", url)).as(nginx.log()).isEqualTo(200);
      assertThat(status("GET", url.replace("index.m3u8", "seg-7.ts"))).isEqualTo(200);
      assertThat(status("GET", url.replace("index.m3u8", "init.mp4") + "?_HLS_msn=7")).isEqualTo(200);
      assertThat(status("HEAD", url.replace("index.m3u8", "seg-8.ts"))).isEqualTo(200);

      assertThat(originRequests).containsExactly(
          "GET /origin/demo/index.m3u8 secret=true cookie=null",
          "GET /origin/demo/seg-7.ts secret=true cookie=null",
          "GET /origin/demo/init.mp4 secret=true cookie=null",
          "HEAD /origin/demo/seg-8.ts secret=true cookie=null");
    }

    @Test
    void nginxStripsViewerCookiesAndCredentialsBeforeTheOrigin() throws Exception {
      assertThat(status("GET", playlist(), "Cookie: session=viewer", "Authorization: Bearer viewer-token")).isEqualTo(200);

      assertThat(originRequests).containsExactly("GET /origin/demo/index.m3u8 secret=true cookie=null");
    }

    @Test
    void nginxRefusesAnotherStreamsDirectory() throws Exception {
      String url = playlist();

      assertThat(status("GET", elsewhere(url, "/live/other/"))).isEqualTo(403);
      assertThat(status("GET", elsewhere(url, "/live/demo2/"))).isEqualTo(403);
      assertThat(status("GET", elsewhere(url, "/live/dem/"))).isEqualTo(403);
      assertThat(originRequests).isEmpty();
    }

    @Test
    void nginxRefusesTamperedHashAndExpiry() throws Exception {
      String url = playlist();
      int h = "/s/".length();
      String tamperedHash = url.substring(0, h) + (url.charAt(h) == 'A' ? 'B' : 'A') + url.substring(h + 1);
      long exp = hourAhead().getEpochSecond();
      String later = url.replaceFirst("/\\d+/live/", "/" + (exp + 86_400) + "/live/");

      assertThat(status("GET", tamperedHash)).isEqualTo(403);
      assertThat(status("GET", later)).isEqualTo(403);
      assertThat(status("GET", "/s/AAAAAAAAAAAAAAAAAAAAAA/" + exp + "/live/demo/index.m3u8")).isEqualTo(403);
      assertThat(originRequests).isEmpty();
    }

    @Test
    void nginxAnswersGoneForAnExpiredToken() throws Exception {
      String expired = open.signer().sign(UrlGrant.of("/live/demo/index.m3u8", realTime.instant().minusSeconds(5)));

      assertThat(status("GET", expired)).isEqualTo(410);
      assertThat(originRequests).isEmpty();
    }

    @Test
    void nginxRefusesTraversalShapesBeforeProxying() throws Exception {
      String url = playlist();
      String token = url.substring(0, url.indexOf("/live/"));
      List<String> shapes = List.of(
          token + "/live/demo/../other/index.m3u8",
          token + "/live/other/../demo/index.m3u8",
          token + "/live/demo/%2e%2e/other/index.m3u8",
          token + "/live/demo/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
          token + "/live/demo//index.m3u8",
          token + "/live//demo/index.m3u8",
          token + "/live/demo%2findex.m3u8",
          token + "/live/demo%2Findex.m3u8",
          token + "/live/demo/x%2f..%2f..%2fother%2findex.m3u8",
          token + "/live/demo/./index.m3u8",
          token + "/live/demo/%69ndex.m3u8",
          token + "/live/demo/index%2Em3u8",
          token + "/live/demo/index.m3u8%00.ts",
          token + "/live/demo/720p/index.m3u8",
          "/s/../live/demo/index.m3u8");

      for (String shape : shapes) {
        assertThat(status("GET", shape)).as(shape).isIn(400, 403, 404);
      }
      assertThat(originRequests).as("requests that reached the origin").isEmpty();
    }

    @Test
    void nginxRefusesMethodsOtherThanGetAndHead() throws Exception {
      assertThat(status("POST", playlist())).isEqualTo(403);
      assertThat(status("DELETE", playlist())).isEqualTo(403);
      assertThat(originRequests).isEmpty();
    }

    @Test
    void nginxRefusesAnUnsignedPath() throws Exception {
      assertThat(status("GET", "/s/live/demo/index.m3u8")).isEqualTo(400);
      assertThat(status("GET", "/origin/demo/index.m3u8")).isEqualTo(404);
      assertThat(originRequests).isEmpty();
    }

    @Test
    void ourVerifierAgreesWithNginx() throws Exception {
      SignedUrlVerifier ours = open.verifier(realTime);
      String good = playlist();
      String token = good.substring(0, good.indexOf("/live/"));
      List<String> urls = List.of(good, good.replace("index.m3u8", "seg-1.ts"), elsewhere(good, "/live/demo2/"),
          open.signer().sign(UrlGrant.of("/live/demo/index.m3u8", realTime.instant().minusSeconds(5))),
          token + "/live/demo/../other/index.m3u8", token + "/live/demo/%2e%2e/other/index.m3u8",
          token + "/live/demo//index.m3u8", token + "/live/demo%2findex.m3u8", token + "/live/demo/720p/index.m3u8");

      for (String url : urls) {
        int expected = ours.verify(url, null, "127.0.0.1") instanceof UrlCheck.Invalid i ? i.reason().httpStatus() : 200;
        assertThat(status("GET", url)).as(url).isEqualTo(expected);
      }
    }

    @Test
    void nginxChecksTheClientAddressWhenBound(@TempDir Path dir) throws Exception {
      String originUrl = "http://127.0.0.1:" + origin.getAddress().getPort();
      try (RealNginx boundNginx = RealNginx.start(dir, bound.nginxLocations(originUrl, ORIGIN_SECRET).indent(4))) {
        String mine = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("127.0.0.1"));
        String theirs = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("192.0.2.7"));

        assertThat(status(boundNginx.port(), "GET", mine)).as(boundNginx.log()).isEqualTo(200);
        assertThat(status(boundNginx.port(), "GET", theirs)).isEqualTo(403);
      }
    }

    private int status(String method, String target, String... headers) throws IOException {
      return status(nginx.port(), method, target, headers);
    }

    /** A request sent byte for byte as written: {@code java.net.URI} would refuse or rewrite some targets. */
    private static int status(int port, String method, String target, String... headers) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
          request.append(h).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        return Integer.parseInt(response.substring(9, 12));
      }
    }
  }
}
