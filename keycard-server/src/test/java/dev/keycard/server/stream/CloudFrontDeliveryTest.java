package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.signedurl.CloudFrontSigner;
import dev.keycard.core.signedurl.CloudFrontVerifier;
import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.testing.AuthFixture;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TokenForge;
import dev.keycard.server.Services;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.http.Routes;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.HttpCookie;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;

/**
 * {@code --url-scheme cloudfront}: stream-start hands out CloudFront's signed cookies for the stream's
 * directory (the standard HLS pattern), byte for byte what the AWS SDK makes, in the JSON answer and
 * as {@code Set-Cookie}, signed off the event loop.
 */
class CloudFrontDeliveryTest {
  private static final String MEDIA = "https://media.example.com";
  private static final String KEY_PAIR_ID = "K2JCJMDEHXQW5F";
  private static final String ORIGIN_SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static KeyPair rsa;

  @TempDir
  Path dir;

  @BeforeAll
  static void generateKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
  }

  private static CdnConfig cdn(String cookieDomain) {
    return new CdnConfig(ORIGIN_SECRET, MEDIA, null, KEY_PAIR_ID, rsa.getPrivate(), cookieDomain);
  }

  @Test
  void cookiesEqualTheAwsSdksCustomPolicyCookiesForTheStreamDirectory() {
    MutableClock clock = MutableClock.atFixedStart();
    CloudFrontEntrySigner signer = new CloudFrontEntrySigner(new CloudFrontSigner(MEDIA, KEY_PAIR_ID, rsa.getPrivate()),
        MEDIA, "example.com", Duration.ofHours(8), clock);

    StartResult.Started started = signer.sign(new StreamId("cam"), "s-1");

    Instant expires = clock.instant().plus(Duration.ofHours(8));
    CookiesForCustomPolicy sdk = CloudFrontUtilities.create().getCookiesForCustomPolicy(r -> r
        .resourceUrl(MEDIA + "/live/cam/index.m3u8").resourceUrlPattern(MEDIA + "/live/cam/*")
        .privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID).expirationDate(expires));
    assertThat(started.playlistUrl()).isEqualTo(MEDIA + "/live/cam/index.m3u8");
    assertThat(started.expiresAt()).isEqualTo(expires);
    assertThat(started.cookies()).extracting(c -> c.name() + "=" + c.value())
        .containsExactly(sdk.policyHeaderValue(), sdk.signatureHeaderValue(), sdk.keyPairIdHeaderValue());
    assertThat(started.cookies()).allSatisfy(c -> {
      assertThat(c.path()).isEqualTo("/live/cam/");
      assertThat(c.domain()).isEqualTo("example.com");
      assertThat(c.maxAge()).isEqualTo(Duration.ofHours(8));
      assertThat(c.toString()).doesNotContain(c.value());
    });
  }

  @Test
  void streamStartAnswersTheCookiesAndSetsThemForTheStreamDirectoryOnly() {
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")),
        StreamingConfig.defaults().withCdn(UrlScheme.CLOUDFRONT, cdn("example.com")), InstantSource.system())) {
      keycard.addUser("zoe", "zoe's password", "stream:watch");
      String token = keycard.http().login("zoe", "zoe's password").json().getString("access_token");

      Answer started = keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token);

      assertThat(started.status()).isEqualTo(200);
      assertThat(started.header("Cache-Control")).isEqualTo("no-store");
      JsonObject body = started.json();
      assertThat(body.getString("playlist_url")).isEqualTo(MEDIA + "/live/demo/index.m3u8");
      assertThat(body.getLong("expires_at")).isBetween(Instant.now().plus(Duration.ofHours(8)).getEpochSecond() - 5,
          Instant.now().plus(Duration.ofHours(8)).getEpochSecond());
      Map<String, String> cookies = new HashMap<>();
      body.getJsonObject("cookies").forEach(e -> cookies.put(e.getKey(), (String) e.getValue()));
      assertThat(cookies).containsOnlyKeys("CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id");

      List<String> setCookies = started.headers().allValues("Set-Cookie");
      assertThat(setCookies).hasSize(3).allSatisfy(h -> assertThat(h)
          .contains("; Path=/live/demo/").contains("; Domain=example.com").contains("; Max-Age=28")
          .contains("; Secure").containsIgnoringCase("; HttpOnly").contains("; SameSite=None"));
      for (String h : setCookies) {
        HttpCookie parsed = HttpCookie.parse(h).get(0);
        assertThat(parsed.getValue()).isEqualTo(cookies.get(parsed.getName()));
      }

      // What CloudFront checks, with the public key: this directory only.
      CloudFrontVerifier cloudFront = new CloudFrontVerifier(MEDIA, Map.of(KEY_PAIR_ID, rsa.getPublic()), InstantSource.system());
      assertThat(cloudFront.verifyCookies("/live/demo/index.m3u8", null, "198.51.100.7", cookies).valid()).isTrue();
      assertThat(cloudFront.verifyCookies("/live/demo/seg-7.ts", "_HLS_msn=7", "198.51.100.7", cookies).valid()).isTrue();
      assertThat(((UrlCheck.Invalid) cloudFront.verifyCookies("/live/demo2/seg-7.ts", null, null, cookies)).reason())
          .isEqualTo(UrlRejection.WRONG_SCOPE);
      assertThat(((UrlCheck.Invalid) cloudFront.verifyCookies("/live/other/index.m3u8", null, null, cookies)).reason())
          .isEqualTo(UrlRejection.WRONG_SCOPE);
    }
  }

  @Test
  void streamStartWithoutCookieDomainSetsHostOnlyCookies() {
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")),
        StreamingConfig.defaults().withCdn(UrlScheme.CLOUDFRONT, cdn(null)), InstantSource.system())) {
      keycard.addUser("zoe", "zoe's password", "stream:watch");
      String token = keycard.http().login("zoe", "zoe's password").json().getString("access_token");

      Answer started = keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
          "Authorization", "Bearer " + token);

      assertThat(started.headers().allValues("Set-Cookie")).hasSize(3).noneSatisfy(h -> assertThat(h).contains("Domain="));
    }
  }

  /** RSA signing (CloudFront) runs on a worker thread; keycard's one HMAC stays on the event loop. */
  @Test
  void streamStartRunsABlockingSignerOnAWorkerAndAFastOneOnTheEventLoop() {
    assertThat(signingThread(true)).startsWith("vert.x-worker-thread");
    assertThat(signingThread(false)).startsWith("vert.x-eventloop-thread");
  }

  private String signingThread(boolean blocks) {
    Vertx vertx = Vertx.vertx();
    try {
      AuthFixture fixture = new AuthFixture();
      fixture.addUser("zoe", "zoe's password", "stream:watch");
      StreamRegistry registry = new StreamRegistry(new InMemoryStreamStore(), fixture.clock);
      registry.register(new StreamId("cam"));
      AtomicReference<String> thread = new AtomicReference<>();
      EntrySigner signer = new EntrySigner() {
        @Override
        public StartResult.Started sign(StreamId stream, String sessionId) {
          thread.set(Thread.currentThread().getName());
          return new StartResult.Started(MEDIA + stream.entryPlaylistPath(), fixture.clock.instant().plusSeconds(60));
        }

        @Override
        public boolean blocks() {
          return blocks;
        }
      };
      ServerConfig c = TestKeycard.config(dir);
      ServerConfig config = new ServerConfig(c.dataDir(), c.host(), 0, TokenForge.ISSUER, TokenForge.AUDIENCE,
          c.accessTokenTtl(), c.tokenFormat(), c.algorithm(), null, c.clockSkew(), c.refreshIdleTtl(),
          c.refreshAbsoluteTtl(), c.refreshGrace(), c.maxTokenSize());
      Services services = new Services(config, fixture.server, new BearerAuthenticator(fixture.verifier), false,
          () -> fixture.ring);
      LocalOrigin origin = new LocalOrigin(registry, null, fixture.clock);
      HttpServer server = vertx.createHttpServer()
          .requestHandler(Routes.routes(vertx, services, new Streaming(origin,
              new StreamStart(registry, signer, new SecureRandom()),
              new dev.keycard.core.stream.StreamKeys(new dev.keycard.core.testing.InMemoryStreamKeyStore(), new SecureRandom(),
                  fixture.clock),
              new IngestActivity(registry, fixture.clock), new OriginPull(origin, null))))
          .listen(0, "127.0.0.1").await();
      TestHttp http = TestHttp.at("http://127.0.0.1:" + server.actualPort());
      String token = http.login("zoe", "zoe's password").json().getString("access_token");

      Answer started = http.postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "cam"), "Authorization", "Bearer " + token);

      assertThat(started.status()).isEqualTo(200);
      return thread.get();
    } finally {
      vertx.close().await();
    }
  }
}
