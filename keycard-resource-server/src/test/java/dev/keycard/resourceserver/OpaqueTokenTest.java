package dev.keycard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keycard's opaque access tokens, checked through RFC 7662 introspection with a short cache. */
class OpaqueTokenTest {
  @TempDir
  Path dataDir;

  private static Access check(KeycardResourceServer rs, String token) {
    return rs.authenticate("Bearer " + token, null).toCompletableFuture().join();
  }

  @Test
  void opaqueTokensAreIntrospectedRememberedBrieflyAndStillRevokedByTheFeed() throws Exception {
    ServerConfig opaque = new ServerConfig(dataDir, "127.0.0.1", 0, TestKeycard.ISSUER, TestKeycard.AUDIENCE,
        Duration.ofMinutes(15), TokenFormat.OPAQUE, SigningAlgorithm.ES256, null, Duration.ofSeconds(30),
        Duration.ofDays(14), Duration.ofDays(30), Duration.ZERO, 8192);
    TestKeycard keycard = TestKeycard.start(opaque, InstantSource.system());
    try {
      TestHttp http = keycard.http();
      keycard.addUser("ana", "ana's long password", "profile");
      String secret = keycard.addClient("orders-api", Scopes.REVOCATIONS);
      KeycardResourceServer.Builder builder = KeycardResourceServer.builder().issuer(TestKeycard.ISSUER)
          .location(URI.create(http.base())).audience(TestKeycard.AUDIENCE).timeout(Duration.ofSeconds(1));
      String token = http.login("ana", "ana's long password").json().getString("access_token");
      String revoked = http.login("ana", "ana's long password").json().getString("access_token");
      assertThat(token).startsWith("kca_");

      try (KeycardResourceServer withoutCredentials = builder.build();
           KeycardResourceServer library = builder.clientCredentials("orders-api", secret).build()) {
        // Without its own client the service cannot ask, and says the token is not one it knows.
        assertThat(check(withoutCredentials, token))
            .isEqualTo(new Access.Refused(BearerError.invalidToken(Rejection.UNKNOWN_TOKEN), null));

        Access granted = check(library, token);
        assertThat(granted).isInstanceOf(Access.Granted.class);
        assertThat(((Access.Granted) granted).token().subject()).isEqualTo("ana");
        assertThat(((Access.Granted) granted).token().sessionId()).isNotNull();
        assertThat(check(library, "kca_" + "x".repeat(43)))
            .isEqualTo(new Access.Refused(BearerError.invalidToken(Rejection.UNKNOWN_TOKEN), null));

        assertThat(check(library, revoked)).isInstanceOf(Access.Granted.class);
        assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + revoked).status()).isEqualTo(204);
        long loggedOut = System.nanoTime();
        Access access = check(library, revoked);
        while (access instanceof Access.Granted && System.nanoTime() - loggedOut < 1_000_000_000L) {
          Thread.sleep(20);
          access = check(library, revoked);
        }
        // The cached introspection answer is still judged against the revocations on every use.
        assertThat(access.status()).isEqualTo(401);

        keycard.close();
        // A remembered answer outlives keycard for the cache's short while; a new token cannot be checked.
        assertThat(check(library, token)).isInstanceOf(Access.Granted.class);
        Access unknown = check(library, "kca_" + "y".repeat(43));
        assertThat(unknown.status()).isEqualTo(503);
        assertThat(unknown.headers("keycard")).containsKey("Retry-After");
      }
    } finally {
      keycard.close();
    }
  }
}
