package dev.keycard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library against a real keycard on a random port: the same verdicts as keycard's own check,
 * revocations from the feed within a second, keys from the JWKS (rotation, unknown kids, keycard gone).
 */
class KeycardResourceServerTest {
  @TempDir
  static Path dataDir;
  static TestKeycard keycard;
  static TestHttp http;
  static String secret;
  static KeycardResourceServer library;

  @BeforeAll
  static void start() {
    keycard = TestKeycard.start(dataDir);
    http = keycard.http();
    keycard.addUser("ana", "ana's long password", "profile orders:read");
    secret = keycard.addClient("orders-api", Scopes.REVOCATIONS);
    library = builder().clientCredentials("orders-api", secret).build();
  }

  @AfterAll
  static void stop() {
    library.close();
    keycard.close();
  }

  static KeycardResourceServer.Builder builder() {
    return KeycardResourceServer.builder().issuer(TestKeycard.ISSUER).location(URI.create(http.base()))
        .audience(TestKeycard.AUDIENCE);
  }

  static String login() {
    return http.login("ana", "ana's long password").json().getString("access_token");
  }

  static Access check(KeycardResourceServer rs, String authorization, String scope) {
    return rs.authenticate(authorization, scope).toCompletableFuture().join();
  }

  /** What keycard's own forward-auth check answers for the same header: the reference. */
  static String keycardChallenge(String authorization) {
    return authorization == null ? http.get("/auth/verify").header("WWW-Authenticate")
        : http.get("/auth/verify", "Authorization", authorization).header("WWW-Authenticate");
  }

  @Test
  void aGoodTokenIsGrantedWithWhatItSaysAndWithoutAskingKeycard() {
    String token = login();
    long fetches = library.health().keyFetches();

    Access access = check(library, "Bearer " + token, "orders:read");

    assertThat(access).isInstanceOf(Access.Granted.class);
    Access.Granted granted = (Access.Granted) access;
    assertThat(granted.token().subject()).isEqualTo("ana");
    assertThat(granted.token().scopes()).containsExactlyInAnyOrder("profile", "orders:read");
    assertThat(granted.token().sessionId()).isNotNull();
    assertThat(granted.status()).isEqualTo(200);
    assertThat(library.health().keyFetches()).isEqualTo(fetches);
    // The second time comes from the verified-token cache, still judged by the same rule.
    assertThat(check(library, "Bearer " + token, null)).isEqualTo(access);
  }

  @Test
  void refusalsAreThoseKeycardGivesByteForByte() {
    String token = login();
    String tampered = dev.keycard.resourceserver.testing.ServiceFixture.tampered(token);
    for (String authorization : new String[] {null, "Bearer " + tampered, "Bearer not.a.token", "Basic YTpi",
        "Bearer " + token.substring(0, 40)}) {
      Access access = check(library, authorization, null);
      assertThat(access).as(String.valueOf(authorization)).isInstanceOf(Access.Refused.class);
      assertThat(access.headers("keycard").get("WWW-Authenticate")).isEqualTo(keycardChallenge(authorization));
    }
    Access scope = check(library, "Bearer " + token, "orders:write");
    assertThat(scope.status()).isEqualTo(403);
    assertThat(scope.headers("keycard").get("WWW-Authenticate"))
        .isEqualTo(http.get("/auth/verify?scope=orders:write", "Authorization", "Bearer " + token).header("WWW-Authenticate"));
    assertThat(scope.body()).isEqualTo(
        "{\"error\":\"insufficient_scope\",\"error_description\":\"The access token lacks the required scope\",\"scope\":\"orders:write\"}");

    Access two = library.authenticate(List.of("Bearer " + token, "Bearer " + token), null).toCompletableFuture().join();
    assertThat(two.status()).isEqualTo(400);
    assertThat(((Access.Refused) two).error().code()).isEqualTo(BearerError.INVALID_REQUEST);
  }

  @Test
  void everyJwtAttackIsRefusedForTheReasonKeycardGives() {
    dev.keycard.core.key.SigningKey signer = keycard.server().services().keys().current().signer();
    dev.keycard.core.testing.JwtAttacks.against(signer, java.time.Instant.now(), TestKeycard.ISSUER, TestKeycard.AUDIENCE)
        .forEach((attack, token) -> {
          Access access = check(library, "Bearer " + token, null);
          assertThat(access).as(attack).isInstanceOf(Access.Refused.class);
          assertThat(access.headers("keycard").get("WWW-Authenticate")).as(attack)
              .isEqualTo(keycardChallenge("Bearer " + token));
        });
  }

  @Test
  void aTokenRevokedAtKeycardIsRefusedWithinASecond() throws Exception {
    String token = login();
    assertThat(check(library, "Bearer " + token, null)).isInstanceOf(Access.Granted.class);

    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + token).status()).isEqualTo(204);
    long loggedOut = System.nanoTime();
    Access access = check(library, "Bearer " + token, null);
    while (access instanceof Access.Granted && System.nanoTime() - loggedOut < 1_000_000_000L) {
      Thread.sleep(20);
      access = check(library, "Bearer " + token, null);
    }

    assertThat(access).isEqualTo(new Access.Refused(BearerError.invalidToken(Rejection.REVOKED), null));
    assertThat(library.health().revocations()).isPositive();
    assertThat(library.health().feedCurrent()).isTrue();
  }

  @Test
  void revocationsMadeBeforeTheLibraryStartedAreKnownFromItsFirstRequest() {
    String token = login();
    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + token).status()).isEqualTo(204);

    try (KeycardResourceServer late = builder().clientCredentials("orders-api", secret).build()) {
      assertThat(check(late, "Bearer " + token, null).status()).isEqualTo(401);
      assertThat(late.health().lastSequence()).isPositive();
      assertThat(late.health().healthy()).isTrue();
    }
  }

  @Test
  void tokensOfANewlyRotatedKeyAreAcceptedAfterOneFetch() throws Exception {
    String before = login();
    assertThat(check(library, "Bearer " + before, null)).isInstanceOf(Access.Granted.class);
    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString()},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), Map.of());
    assertThat(exit).isZero();
    keycard.server().runMaintenance();
    String after = login();
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());

    try (KeycardResourceServer fresh = builder().clientCredentials("orders-api", secret)
        .keyRefetchInterval(Duration.ZERO).build()) {
      assertThat(check(fresh, "Bearer " + after, null)).isInstanceOf(Access.Granted.class);
    }
    // The long-lived instance learnt the old key at start; the new one costs it one fetch.
    long fetches = library.health().keyFetches();
    assertThat(check(library, "Bearer " + after, null)).isInstanceOf(Access.Granted.class);
    assertThat(check(library, "Bearer " + before, null)).isInstanceOf(Access.Granted.class);
    assertThat(library.health().keyFetches()).isBetween(fetches, fetches + 1);
  }

  @Test
  void aFloodOfTokensWithUnknownKidsFetchesTheKeySetAtMostOncePerInterval() {
    try (KeycardResourceServer rs = builder().keyRefetchInterval(Duration.ofMinutes(10)).followRevocations(false).build()) {
      String token = login();
      String[] parts = token.split("\\.");
      long fetches = rs.health().keyFetches();
      for (int i = 0; i < 10_000; i++) {
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            ("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"random-" + i + "\"}").getBytes());
        Access access = check(rs, "Bearer " + header + "." + parts[1] + "." + parts[2], null);
        assertThat(access).isEqualTo(new Access.Refused(BearerError.invalidToken(Rejection.UNKNOWN_KEY), null));
      }
      // The first unknown kid fetches once; none after it within the interval.
      assertThat(rs.health().keyFetches()).isLessThanOrEqualTo(fetches + 1);
    }
  }

  @Test
  void keycardGoneTheLibraryGoesOnWithTheKeysItHoldsAndSaysTheFeedIsStale(@TempDir Path otherDir) throws Exception {
    TestKeycard lone = TestKeycard.start(otherDir);
    lone.addUser("bo", "bo's long password", "profile");
    String clientSecret = lone.addClient("svc", Scopes.REVOCATIONS);
    String token = lone.http().login("bo", "bo's long password").json().getString("access_token");
    KeycardResourceServer.Builder b = KeycardResourceServer.builder().issuer(TestKeycard.ISSUER)
        .location(URI.create(lone.http().base())).audience(TestKeycard.AUDIENCE).clientCredentials("svc", clientSecret)
        .feedStaleAfter(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(1));
    try (KeycardResourceServer keepServing = b.build();
         KeycardResourceServer failClosed = b.whenFeedStale(FeedOutagePolicy.FAIL_CLOSED).build()) {
      lone.close();

      // Never seen before, yet verified: its key was fetched at start.
      assertThat(check(keepServing, "Bearer " + token, null)).isInstanceOf(Access.Granted.class);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while ((keepServing.health().feedCurrent() || failClosed.health().feedCurrent()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(keepServing.health().feedCurrent()).isFalse();
      assertThat(keepServing.health().healthy()).isFalse();
      assertThat(check(keepServing, "Bearer " + token, null)).isInstanceOf(Access.Granted.class);

      Access closed = check(failClosed, "Bearer " + token, null);
      assertThat(closed.status()).isEqualTo(503);
      assertThat(closed.headers("keycard")).containsEntry("Retry-After", "5");
      assertThat(closed.body()).contains("temporarily_unavailable");
    } finally {
      lone.close();
    }
  }

  @Test
  void buildingFailsFastOnAWrongIssuerBadCredentialsOrNoKeycard() {
    assertThatThrownBy(() -> KeycardResourceServer.builder().issuer("https://elsewhere.example").location(URI.create(http.base()))
        .audience(TestKeycard.AUDIENCE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("another issuer");
    assertThatThrownBy(() -> builder().clientCredentials("orders-api", "not-the-secret").build())
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("401").hasMessageNotContaining("not-the-secret");
    assertThatThrownBy(() -> KeycardResourceServer.builder().issuer(TestKeycard.ISSUER).location(URI.create("http://127.0.0.1:1"))
        .audience(TestKeycard.AUDIENCE).timeout(Duration.ofSeconds(1)).build())
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> KeycardResourceServer.builder().issuer(TestKeycard.ISSUER).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audience");
  }
}
