package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** nginx {@code secure_link_md5} URLs: our signer and verifier, then a real nginx (docs/signed-urls.md). */
class NginxSecureLinkTest {
  private static final String SECRET = "0123456789abcdefghijABCDEFGHIJ-_.!";

  private final MutableClock clock = MutableClock.atFixedStart();
  private final NginxSecureLink link = NginxSecureLink.of(SECRET, true);
  private final UrlSigner signer = link.signer();
  private final SignedUrlVerifier verifier = link.verifier(clock);

  private Instant inOneHour() {
    return clock.instant().plus(Duration.ofHours(1));
  }

  private UrlCheck check(String url, String clientIp) {
    int q = url.indexOf('?');
    return q < 0 ? verifier.verify(url, null, clientIp) : verifier.verify(url.substring(0, q), url.substring(q + 1), clientIp);
  }

  private static UrlRejection reason(UrlCheck c) {
    assertThat(c).isInstanceOf(UrlCheck.Invalid.class);
    return ((UrlCheck.Invalid) c).reason();
  }

  @Test
  void acceptsUrlItSigned() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));

    assertThat(url).matches("/live/demo/index\\.m3u8\\?md5=[A-Za-z0-9_-]{22}&expires=\\d+");
    assertThat(check(url, "127.0.0.1").valid()).isTrue();
  }

  @Test
  void hashIsMd5OfTheDocumentedExpression() throws Exception {
    long exp = inOneHour().getEpochSecond();
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));

    byte[] md5 = MessageDigest.getInstance("MD5").digest((exp + "/live/demo/index.m3u8127.0.0.1 " + SECRET).getBytes(StandardCharsets.US_ASCII));
    assertThat(url).isEqualTo("/live/demo/index.m3u8?md5=" + Base64.getUrlEncoder().withoutPadding().encodeToString(md5) + "&expires=" + exp);
  }

  @Test
  void rejectsExpiredUrlAfterItsExpirySecondAsNginxDoes() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));
    clock.advance(Duration.ofHours(1).plusMillis(999));
    assertThat(check(url, "127.0.0.1").valid()).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(reason(check(url, "127.0.0.1"))).isEqualTo(UrlRejection.EXPIRED);
  }

  @Test
  void rejectsTamperedPath() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));

    assertThat(reason(check(url.replace("index.m3u8", "seg-1.ts"), "127.0.0.1"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsUrlSignedForAnotherClient() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));

    assertThat(reason(check(url, "192.0.2.10"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsMissingSignature() {
    assertThat(reason(check("/live/demo/index.m3u8?expires=99999999999", "127.0.0.1"))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
  }

  @Test
  void rejectsDuplicateParameters() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));

    assertThat(reason(check(url + "&expires=99999999999", "127.0.0.1"))).isEqualTo(UrlRejection.DUPLICATE_PARAMETER);
  }

  @Test
  void rejectsPathTraversal() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).boundTo("127.0.0.1"));
    String query = url.substring(url.indexOf('?') + 1);

    assertThat(reason(verifier.verify("/live/demo/../../etc/passwd", query, "127.0.0.1"))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify("/live/demo/%2e%2e/x", query, "127.0.0.1"))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
  }

  @Test
  void signsOnlyPathsThatNginxSeesUnchangedAfterDecoding() {
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/live/my%20show/index.m3u8", inOneHour()).boundTo("127.0.0.1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesSecretsThatCannotSitInTheNginxExpression() {
    assertThatThrownBy(() -> NginxSecureLink.of("short", false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NginxSecureLink.of("0123456789abcdefghij0123456789$remote_addr", false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NginxSecureLink.of("0123456789abcdefghij0123456789\"; return 200", false)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rendersTheMatchingNginxDirectives() {
    assertThat(link.nginxDirectives()).isEqualTo("""
        secure_link $arg_md5,$arg_expires;
        secure_link_md5 "$secure_link_expires$uri$remote_addr %s";
        if ($secure_link = "") { return 403; }
        if ($secure_link = "0") { return 410; }
        """.formatted(SECRET));
    assertThat(NginxSecureLink.of(SECRET, false).nginxDirectives()).contains("\"$secure_link_expires$uri " + SECRET + "\"");
    assertThat(link.toString()).doesNotContain(SECRET);
  }

  /**
   * The same URLs against nginx itself. nginx reads the real clock, so these grants are made
   * relative to the real time: an hour ahead, or an hour past.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstRealNginx {
    private static final String BOUND_SECRET = "bound-0123456789abcdefghijABCDEFGHIJ";
    private static final String OPEN_SECRET = "open-0123456789abcdefghijABCDEFGHIJKL";

    private final NginxSecureLink bound = NginxSecureLink.of(BOUND_SECRET, true);
    private final NginxSecureLink open = NginxSecureLink.of(OPEN_SECRET, false);
    private final Clock realTime = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private RealNginx nginx;

    @BeforeAll
    void startNginx(@TempDir Path dir) throws Exception {
      if (RealNginx.find().isEmpty()) {
        return; // each test then skips (or fails in CI) in requireNginx()
      }
      Path www = dir.resolve("www");
      write(www.resolve("live/demo/index.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:2\nseg-1.ts\n");
      write(www.resolve("live/demo/seg-1.ts"), "segment-1");
      write(www.resolve("vod/film/index.m3u8"), "#EXTM3U\nfilm\n");
      nginx = RealNginx.start(dir, """
              location /live/ {
          %s    }
              location /vod/ {
          %s    }
          """.formatted(bound.nginxDirectives().indent(6), open.nginxDirectives().indent(6)));
    }

    @BeforeEach
    void requireNginx() {
      RealNginx.requireNginx();
    }

    @AfterAll
    void stopNginx() {
      if (nginx != null) {
        nginx.close();
      }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port() + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Instant hourAhead() {
      return realTime.instant().plus(Duration.ofHours(1));
    }

    @Test
    void nginxServesUrlWeSigned() throws Exception {
      HttpResponse<String> playlist = get(bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("127.0.0.1")));
      HttpResponse<String> film = get(open.signer().sign(UrlGrant.of("/vod/film/index.m3u8", hourAhead())));

      assertThat(playlist.statusCode()).as(nginx.log()).isEqualTo(200);
      assertThat(playlist.body()).startsWith("#EXTM3U");
      assertThat(film.statusCode()).as(nginx.log()).isEqualTo(200);
    }

    @Test
    void nginxRefusesTamperedPath() throws Exception {
      String url = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("127.0.0.1"));

      assertThat(get(url.replace("index.m3u8", "seg-1.ts")).statusCode()).isEqualTo(403);
    }

    @Test
    void nginxRefusesTamperedHash() throws Exception {
      String url = open.signer().sign(UrlGrant.of("/vod/film/index.m3u8", hourAhead()));
      int h = url.indexOf("md5=") + 4;
      String tampered = url.substring(0, h) + (url.charAt(h) == 'A' ? 'B' : 'A') + url.substring(h + 1);

      assertThat(get(tampered).statusCode()).isEqualTo(403);
    }

    @Test
    void nginxRefusesExtendedExpiry() throws Exception {
      long exp = hourAhead().getEpochSecond();
      String url = open.signer().sign(UrlGrant.of("/vod/film/index.m3u8", hourAhead()));

      assertThat(get(url.replace("expires=" + exp, "expires=" + (exp + 86_400))).statusCode()).isEqualTo(403);
    }

    @Test
    void nginxRefusesExpiredUrl() throws Exception {
      Instant hourAgo = realTime.instant().minus(Duration.ofHours(1));

      assertThat(get(open.signer().sign(UrlGrant.of("/vod/film/index.m3u8", hourAgo))).statusCode()).isEqualTo(410);
      assertThat(get(bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAgo).boundTo("127.0.0.1"))).statusCode()).isEqualTo(410);
    }

    @Test
    void nginxRefusesUrlSignedForAnotherClient() throws Exception {
      String url = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("192.0.2.10"));

      assertThat(get(url).statusCode()).isEqualTo(403);
    }

    @Test
    void nginxRefusesUnsignedUrl() throws Exception {
      assertThat(get("/live/demo/index.m3u8").statusCode()).isEqualTo(403);
    }

    @Test
    void ourVerifierAgreesWithNginx() throws Exception {
      SignedUrlVerifier ours = bound.verifier(realTime);
      String good = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", hourAhead()).boundTo("127.0.0.1"));
      String otherFile = good.replace("index.m3u8", "seg-1.ts");
      String expired = bound.signer().sign(UrlGrant.of("/live/demo/index.m3u8", realTime.instant().minus(Duration.ofHours(1))).boundTo("127.0.0.1"));

      for (String url : new String[] {good, otherFile, expired}) {
        int q = url.indexOf('?');
        UrlCheck c = ours.verify(url.substring(0, q), url.substring(q + 1), "127.0.0.1");
        int expected = c instanceof UrlCheck.Invalid i ? (i.reason() == UrlRejection.EXPIRED ? 410 : 403) : 200;
        assertThat(get(url).statusCode()).as(url).isEqualTo(expected);
      }
    }

    private static void write(Path file, String content) throws IOException {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      for (Path p = file.getParent(); p.getFileName() != null && !p.getFileName().toString().startsWith("junit"); p = p.getParent()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
