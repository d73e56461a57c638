package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.CloudFrontVerifier;
import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycard sign-url} and {@code keycard nginx-config} run through the command line, and
 * {@code serve} refusing a CDN scheme whose secret or key is missing.
 */
class SignUrlCommandTest {
  private static final String NGINX_SECRET = "nginx-secret-0123456789abcdefghijABCDEF";
  private static final String ORIGIN_SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static final Map<String, String> NGINX_ENV = Map.of("KEYCARD_NGINX_SECRET", NGINX_SECRET,
      "KEYCARD_ORIGIN_SECRET", ORIGIN_SECRET);

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), env);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void signUrlForAStreamInTheNginxSchemeIsWhatNginxAccepts() {
    Run r = run(NGINX_ENV, "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://media.example.com",
        "--stream", "cam1", "--ttl", "1h");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(1);
    URI url = URI.create(r.lines().get(0));
    assertThat(url.getScheme() + "://" + url.getAuthority()).isEqualTo("https://media.example.com");
    UrlCheck.Valid valid = (UrlCheck.Valid) NginxDirectoryToken.of(NGINX_SECRET, false).verifier(Clock.systemUTC())
        .verify(url.getRawPath(), null, null);
    assertThat(valid.path()).isEqualTo("/live/cam1/index.m3u8");
    assertThat(valid.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));
    assertThat(r.out() + r.err()).doesNotContain(NGINX_SECRET);
  }

  @Test
  void signUrlDefaultsToThePlaybackSessionAndSignsAPath() {
    Run r = run(NGINX_ENV, "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://media.example.com",
        "--path", "/live/cam1/seg-1.ts");

    assertThat(r.exit()).as(r.err()).isZero();
    UrlCheck.Valid valid = (UrlCheck.Valid) NginxDirectoryToken.of(NGINX_SECRET, false).verifier(Clock.systemUTC())
        .verify(URI.create(r.lines().get(0)).getRawPath(), null, null);
    assertThat(valid.scope()).isEqualTo("/live/cam1/");
    assertThat(valid.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(7)));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void signUrlForKeycardsEdgeUsesTheDataDirectorysKeyAndTheEdgeServesIt() {
    Path data = dir.resolve("data");
    try (TestKeycard keycard = TestKeycard.start(data)) {
      String edge = keycard.server().edgeBaseUrl();
      MediaClient player = new MediaClient(edge);
      for (String scheme : List.of("keycard", "prefix")) {
        Run r = run(Map.of(), "sign-url", "--url-scheme", scheme, "--stream", "demo", "--data-dir", data.toString(),
            "--edge-base-url", edge, "--session", "support-42");

        assertThat(r.exit()).as(r.err()).isZero();
        String url = r.lines().get(0);
        assertThat(url).startsWith(edge + (scheme.equals("prefix") ? "/t/" : "/live/demo/index.m3u8?"));
        assertThat(player.get(url).status()).as(scheme).isEqualTo(200);
      }
    }
  }

  @Test
  void signUrlInTheCloudFrontSchemePrintsTheUrlAndTheCookiesForTheStreamDirectory() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path pem = dir.resolve("cloudfront.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

    Run r = run(Map.of(), "sign-url", "--url-scheme", "cloudfront", "--media-base-url", "https://media.example.com",
        "--cloudfront-key-pair-id", "K2JCJMDEHXQW5F", "--cloudfront-private-key-file", pem.toString(), "--stream", "cam1");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(4);
    assertThat(r.lines().get(0)).isEqualTo("https://media.example.com/live/cam1/index.m3u8");
    Map<String, String> cookies = new HashMap<>();
    for (String line : r.lines().subList(1, 4)) {
      cookies.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    CloudFrontVerifier cloudFront = new CloudFrontVerifier("https://media.example.com", Map.of("K2JCJMDEHXQW5F", rsa.getPublic()),
        Clock.systemUTC());
    assertThat(cloudFront.verifyCookies("/live/cam1/seg-9.ts", null, null, cookies).valid()).isTrue();
    assertThat(((UrlCheck.Invalid) cloudFront.verifyCookies("/live/cam2/seg-9.ts", null, null, cookies)).reason())
        .isEqualTo(UrlRejection.WRONG_SCOPE);
  }

  @Test
  void signUrlRefusesMissingSecretsAndAmbiguousTargets() {
    Run noSecret = run(Map.of(), "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://m.example.com", "--stream", "a");
    Run both = run(NGINX_ENV, "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://m.example.com", "--stream", "a",
        "--path", "/live/a/");
    Run neither = run(NGINX_ENV, "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://m.example.com");
    Run longTtl = run(NGINX_ENV, "sign-url", "--url-scheme", "nginx", "--media-base-url", "https://m.example.com", "--stream", "a",
        "--ttl", "8d");
    Run secretAsFlag = run(Map.of(), "sign-url", "--nginx-secret", NGINX_SECRET, "--stream", "a");

    assertThat(noSecret.exit()).isEqualTo(2);
    assertThat(noSecret.err()).contains("KEYCARD_NGINX_SECRET");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(longTtl.exit()).isEqualTo(2);
    assertThat(longTtl.err()).contains("--ttl");
    // There is no flag that takes a secret's value: flags show up in ps and shell history.
    assertThat(secretAsFlag.exit()).isEqualTo(2);
  }

  @Test
  void signUrlHelpDocumentsTheSchemesAndTheSecretsSources() {
    Run help = run(Map.of(), "sign-url", "--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--url-scheme", "--stream", "--path", "--ttl", "--media-base-url", "--nginx-secret-file",
        "KEYCARD_NGINX_SECRET", "--cloudfront-private-key-file", "--data-dir");
  }

  @Test
  void nginxConfigPrintsTheLocationsThatMatchTheSigner() {
    Run locations = run(NGINX_ENV, "nginx-config", "--origin-url", "http://127.0.0.1:8080");
    Run server = run(NGINX_ENV, "nginx-config", "--listen", "8082");

    assertThat(locations.exit()).as(locations.err()).isZero();
    assertThat(locations.out()).contains(NginxDirectoryToken.of(NGINX_SECRET, false)
        .nginxLocations("http://127.0.0.1:8080", ORIGIN_SECRET)).doesNotContain("server {");
    assertThat(server.out()).contains("server {\n    listen 8082;\n    # keycard directory tokens").endsWith("}\n");
  }

  @Test
  void nginxConfigRefusesToRunWithoutBothSecrets() {
    Run noOrigin = run(Map.of("KEYCARD_NGINX_SECRET", NGINX_SECRET), "nginx-config");
    Run noNginx = run(Map.of("KEYCARD_ORIGIN_SECRET", ORIGIN_SECRET), "nginx-config");

    assertThat(noOrigin.exit()).isEqualTo(2);
    assertThat(noOrigin.err()).contains("KEYCARD_ORIGIN_SECRET");
    assertThat(noNginx.exit()).isEqualTo(2);
    assertThat(noNginx.err()).contains("KEYCARD_NGINX_SECRET");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void serveRefusesACdnSchemeWithoutItsSecretOrKeyBeforeListening() {
    String data = dir.resolve("data").toString();
    Run nginx = run(Map.of("KEYCARD_ORIGIN_SECRET", ORIGIN_SECRET), "serve", "--url-scheme", "nginx",
        "--media-base-url", "https://media.example.com", "--data-dir", data);
    Run cloudFront = run(Map.of("KEYCARD_ORIGIN_SECRET", ORIGIN_SECRET), "serve", "--url-scheme", "cloudfront",
        "--media-base-url", "https://media.example.com", "--cloudfront-key-pair-id", "K2JCJMDEHXQW5F", "--data-dir", data);
    Run noOrigin = run(Map.of("KEYCARD_NGINX_SECRET", NGINX_SECRET), "serve", "--url-scheme", "nginx",
        "--media-base-url", "https://media.example.com", "--data-dir", data);
    Run unreadableKey = run(Map.of("KEYCARD_ORIGIN_SECRET", ORIGIN_SECRET), "serve", "--url-scheme", "cloudfront",
        "--media-base-url", "https://media.example.com", "--cloudfront-key-pair-id", "K2JCJMDEHXQW5F",
        "--cloudfront-private-key-file", dir.resolve("missing.pem").toString(), "--data-dir", data);

    assertThat(nginx.exit()).isEqualTo(2);
    assertThat(nginx.err()).contains("--url-scheme nginx needs the secure_link secret: KEYCARD_NGINX_SECRET or --nginx-secret-file");
    assertThat(cloudFront.exit()).isEqualTo(2);
    assertThat(cloudFront.err()).contains("--cloudfront-private-key-file");
    assertThat(noOrigin.exit()).isEqualTo(2);
    assertThat(noOrigin.err()).contains("KEYCARD_ORIGIN_SECRET");
    assertThat(unreadableKey.exit()).isEqualTo(2);
    assertThat(unreadableKey.err()).contains("cannot read --cloudfront-private-key-file");
    assertThat(nginx.err() + cloudFront.err() + noOrigin.err()).doesNotContain(ORIGIN_SECRET).doesNotContain(NGINX_SECRET);
  }
}
