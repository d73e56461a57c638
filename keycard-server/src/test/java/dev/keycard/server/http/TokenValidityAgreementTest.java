package dev.keycard.server.http;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One validity rule for an access token, wherever it is checked: the bearer check answered from the
 * verified-token cache, the same check done in full, and RFC 7662 introspection give the same answer
 * for the same token at the same instant, for JWTs and opaque tokens alike, up to and past the clock
 * skew after expiry.
 */
class TokenValidityAgreementTest {
  private static final Duration SKEW = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;

  @ParameterizedTest
  @EnumSource(TokenFormat.class)
  void cachedCheckUncachedCheckAndIntrospectionAgreeAroundExpiry(TokenFormat format) {
    ServerConfig c = TestKeycard.config(dataDir);
    ServerConfig config = new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(),
        c.accessTokenTtl(), format, c.algorithm(), null, SKEW, c.refreshIdleTtl(), c.refreshAbsoluteTtl(),
        c.refreshGrace(), c.maxTokenSize());
    MutableClock clock = new MutableClock(Instant.now());
    try (TestKeycard keycard = TestKeycard.start(config, clock)) {
      keycard.addUser("ann", "ann's password", "profile");
      String rsSecret = keycard.addClient("resource-server", "");
      TestHttp http = keycard.http();
      String access = http.login("ann", "ann's password").json().getString("access_token");
      Instant exp = Instant.ofEpochSecond(introspect(http, rsSecret, access).getLong("exp"));
      assertThat(http.me(access).status()).as("first use fills the cache").isEqualTo(200);

      for (Instant at : new Instant[] {exp.plusSeconds(10), exp.plus(SKEW).minusMillis(1)}) {
        clock.set(at);
        assertThat(answers(http, rsSecret, access)).as("%s at exp + %s", format, Duration.between(exp, at))
            .isEqualTo("200 200 active");
      }
      for (Instant at : new Instant[] {exp.plus(SKEW), exp.plus(SKEW).plusSeconds(10)}) {
        clock.set(at);
        assertThat(answers(http, rsSecret, access)).as("%s at exp + %s", format, Duration.between(exp, at))
            .isEqualTo("401 401 inactive");
      }
    }
  }

  /** The cached bearer check, a full one (another header spelling is another cache key), and introspection. */
  private static String answers(TestHttp http, String rsSecret, String access) {
    int cached = http.me(access).status();
    int uncached = http.get("/api/v1/me", "Authorization", "bearer  " + access).status();
    boolean active = introspect(http, rsSecret, access).getBoolean("active");
    return cached + " " + uncached + " " + (active ? "active" : "inactive");
  }

  private static io.vertx.core.json.JsonObject introspect(TestHttp http, String rsSecret, String token) {
    return http.postForm("/oauth2/introspect", params("token", token), "Authorization", basic("resource-server", rsSecret))
        .json();
  }
}
