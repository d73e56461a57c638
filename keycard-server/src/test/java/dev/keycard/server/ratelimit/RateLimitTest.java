package dev.keycard.server.ratelimit;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.config.RateLimits;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-token rate limits on the embedded default (local buckets), over real HTTP: the
 * {@code RateLimit-Policy} and {@code RateLimit} fields on every protected answer, 429 with
 * {@code Retry-After} and a {@code quota-exceeded} problem over the limit, one budget per login
 * session that a refresh does not reset, and one per client for client-credentials tokens.
 */
class RateLimitTest {
  @TempDir
  Path dataDir;
  private final MutableClock clock = MutableClock.atFixedStart();
  private TestKeycard keycard;

  @AfterEach
  void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  private TestKeycard start(String policy, String... overrides) {
    ServerConfig config = TestKeycard.config(dataDir);
    RatePolicies policies = new RatePolicies(RatePolicy.parse(policy),
        java.util.Arrays.stream(overrides).map(RatePolicies.Override::parse).toList());
    config = config.withAbuse(config.abuse().withRateLimits(new RateLimits(policies)));
    keycard = TestKeycard.start(config, clock);
    keycard.addUser("alice", "alice's password", "profile stream:watch");
    keycard.addUser("bob", "bob's password", "profile");
    return keycard;
  }

  private JsonObject login(String user) {
    return keycard.http().login(user, user + "'s password").json();
  }

  private Answer me(String access) {
    return keycard.http().me(access);
  }

  @Test
  void everyProtectedAnswerCarriesTheFieldsAndTheyCountDown() {
    start("20/1h");
    String access = login("alice").getString("access_token");
    for (int i = 1; i <= 20; i++) {
      Answer answer = me(access);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("RateLimit-Policy")).isEqualTo("\"session\";q=20;w=3600");
      assertThat(answer.header("RateLimit")).isEqualTo("\"session\";r=" + (20 - i) + ";t=3600");
    }
  }

  @Test
  void requestAfterTheQuotaIs429WithRetryAfterTheFieldsAndAQuotaExceededProblem() {
    start("20/1h");
    String access = login("alice").getString("access_token");
    for (int i = 0; i < 20; i++) {
      assertThat(me(access).status()).isEqualTo(200);
    }
    clock.advance(Duration.ofSeconds(100));
    Answer refused = me(access);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("3500");
    assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"session\";q=20;w=3600");
    assertThat(refused.header("RateLimit")).isEqualTo("\"session\";r=0;t=3500");
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
    JsonObject problem = new JsonObject(refused.body());
    assertThat(problem.getString("type")).isEqualTo("https://iana.org/assignments/http-problem-types#quota-exceeded");
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getJsonArray("violated-policies").getList()).containsExactly("session");
    assertThat(problem.getString("error")).isEqualTo("rate_limited");
    assertThat(refused.body()).doesNotContain(access);
    // Other routes behind the bearer check spend the same budget.
    assertThat(keycard.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status())
        .isEqualTo(429);
  }

  @Test
  void requestOneThousandAndOneWithTheDefaultPolicyIs429() {
    start("1000/1h");
    String access = login("alice").getString("access_token");
    for (int i = 1; i <= 1000; i++) {
      assertThat(me(access).status()).as("request %d", i).isEqualTo(200);
    }
    Answer refused = me(access);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("RateLimit")).isEqualTo("\"session\";r=0;t=3600");
  }

  @Test
  void refreshDoesNotResetTheBudget() {
    start("5/1h");
    JsonObject tokens = login("alice");
    for (int i = 0; i < 3; i++) {
      me(tokens.getString("access_token"));
    }
    JsonObject refreshed = keycard.http().refresh(tokens.getString("refresh_token")).json();
    String next = refreshed.getString("access_token");
    assertThat(next).isNotEqualTo(tokens.getString("access_token"));
    assertThat(me(next).header("RateLimit")).startsWith("\"session\";r=1;");
    assertThat(me(next).status()).isEqualTo(200);
    assertThat(me(next).status()).isEqualTo(429);
    assertThat(me(tokens.getString("access_token")).status()).as("the old token, same session").isEqualTo(429);
  }

  @Test
  void aSecondSessionHasItsOwnBudget() {
    start("2/1h");
    String first = login("alice").getString("access_token");
    me(first);
    me(first);
    assertThat(me(first).status()).isEqualTo(429);
    String second = login("alice").getString("access_token");
    assertThat(me(second).header("RateLimit")).startsWith("\"session\";r=1;");
    assertThat(me(login("bob").getString("access_token")).status()).isEqualTo(200);
  }

  @Test
  void clientCredentialsTokensShareOneBudgetPerClient() {
    start("3/1h");
    String secret = keycard.addClient("ingest", "stream:publish");
    String[] tokens = new String[3];
    for (int i = 0; i < 3; i++) {
      tokens[i] = keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("ingest", secret)).json().getString("access_token");
    }
    assertThat(me(tokens[0]).header("RateLimit-Policy")).isEqualTo("\"client\";q=3;w=3600");
    assertThat(me(tokens[1]).header("RateLimit")).startsWith("\"client\";r=1;");
    me(tokens[2]);
    assertThat(me(tokens[0]).status()).isEqualTo(429);
  }

  @Test
  void theQuotaComesBackWhenTheWindowEnds() {
    start("2/1m");
    String access = login("alice").getString("access_token");
    me(access);
    me(access);
    assertThat(me(access).status()).isEqualTo(429);
    clock.advance(Duration.ofMinutes(1));
    Answer answer = me(access);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("RateLimit")).isEqualTo("\"session\";r=1;t=60");
  }

  @Test
  void overridesPerClientAndPerScopeWinOverTheGlobalPolicyAndOffSendsNoFields() {
    start("100/1h", "scope:stream:watch=2/1m", "client:nobody=off");
    String alice = login("alice").getString("access_token"); // holds stream:watch
    assertThat(me(alice).header("RateLimit-Policy")).isEqualTo("\"session\";q=2;w=60");
    String bob = login("bob").getString("access_token");
    assertThat(me(bob).header("RateLimit-Policy")).isEqualTo("\"session\";q=100;w=3600");
  }

  @Test
  void rateLimitOffSendsNoFieldsAndNeverRefuses() {
    ServerConfig config = TestKeycard.config(dataDir);
    keycard = TestKeycard.start(config.withAbuse(config.abuse().withRateLimits(new RateLimits(RatePolicies.OFF))), clock);
    keycard.addUser("alice", "alice's password", "profile");
    String access = login("alice").getString("access_token");
    for (int i = 0; i < 50; i++) {
      Answer answer = me(access);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("RateLimit")).isNull();
      assertThat(answer.header("RateLimit-Policy")).isNull();
    }
  }

  @Test
  void refusalsAreCountedByPolicyAndTheFallbackGaugeIsZeroOnLocalBuckets() {
    start("1/1h");
    String access = login("alice").getString("access_token");
    me(access);
    for (int i = 0; i < 3; i++) {
      assertThat(me(access).status()).isEqualTo(429);
    }
    MeterRegistry meters = keycard.server().services().monitoring().meters();
    assertThat(meters.get("keycard.ratelimit.limited").tag("policy", "session").counter().count()).isEqualTo(3);
    assertThat(meters.get("keycard.ratelimit.fallback").gauge().value()).isZero();
  }

  @Test
  void unauthenticatedRequestsCarryNoFields() {
    start("5/1h");
    Answer answer = keycard.http().get("/api/v1/me");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("RateLimit")).isNull();
    assertThat(List.of(keycard.http().get("/health").status())).containsExactly(200);
  }
}
