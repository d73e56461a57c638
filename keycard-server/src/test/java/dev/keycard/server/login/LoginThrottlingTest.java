package dev.keycard.server.login;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.throttle.ThrottlePolicy;
import dev.keycard.server.config.LoginThrottling;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TrustedProxies;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login test, over real HTTP: a burst of wrong passwords is throttled and, once
 * throttled, costs no Argon2id hash; the owner still gets in from the address they use; an unknown
 * account is throttled exactly like a known one; client authentication is throttled too. Client
 * addresses come through a trusted proxy (loopback), as behind a load balancer.
 */
class LoginThrottlingTest {
  /** The default limits, with delays short enough for a test (the defaults are 1 s doubling to 8 s). */
  static final ThrottlePolicy POLICY = new ThrottlePolicy(10, 100, 20, Duration.ofMinutes(15), Duration.ofDays(30),
      Duration.ofMillis(20), Duration.ofMillis(80));
  /** The refusal hold, shorter than the default second so that the tests' many refusals stay quick. */
  static final Duration HOLD = Duration.ofMillis(300);

  @TempDir
  Path dataDir;
  TestKeycard keycard;
  TestHttp http;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  static ServerConfig throttled(ServerConfig c) {
    return c.withAbuse(c.abuse().withTrustedProxies(TrustedProxies.parse("127.0.0.1"))
        .withLogins(LoginThrottling.defaults().withPolicy(POLICY).withRefusalHold(HOLD)));
  }

  @BeforeEach
  void start() {
    keycard = TestKeycard.start(dataDir, LoginThrottlingTest::throttled);
    http = keycard.http();
    keycard.addUser("alice", "alice's right password", "profile");
  }

  @AfterEach
  void stop() {
    keycard.close();
  }

  private Answer login(String user, String password, String from) {
    return http.postJson("/auth/login", new JsonObject().put("username", user).put("password", password),
        "X-Forwarded-For", from);
  }

  private CompletableFuture<HttpResponse<String>> loginAsync(String user, String password, String from) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + "/auth/login"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("X-Forwarded-For", from)
        .POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", user).put("password", password).encode()))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private long hashes() {
    return keycard.server().services().credentials().hashing().tasksRun();
  }

  private double counter(String name, String tag, String value) {
    MeterRegistry meters = keycard.server().services().monitoring().meters();
    return meters.counter(name, tag, value).count();
  }

  /**
   * A refused attempt waits for its 429 (a timer, no thread; a second by default), so a flood gets one
   * answer per connection per hold; meanwhile the server answers everyone else at once.
   */
  @Test
  void aRefusedAttemptIsAnsweredAfterTheHoldWhileOtherRequestsAreAnsweredAtOnce() {
    for (int i = 0; i < POLICY.accountFailures(); i++) {
      assertThat(login("alice", "guess " + i, "198.51.100.7").status()).isEqualTo(401);
    }
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> refused = loginAsync("alice", "one more guess", "198.51.100.7");
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(refused).as("still held while /health was answered").isNotDone();
    HttpResponse<String> answer = refused.join();
    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(HOLD);
  }

  @Test
  void burstOf300WrongPasswordsIsThrottledAndThrottledAttemptsCostNoHash() {
    long before = hashes();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // From 300 addresses, so the account's limit is what stops them, not an address's.
      burst.add(loginAsync("alice", "guess-" + i, "203.0.113." + (i % 250) + (i >= 250 ? "1" : "")));
    }
    List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();

    long unauthorized = answers.stream().filter(r -> r.statusCode() == 401).count();
    List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(unauthorized + refused.size()).isEqualTo(300);
    assertThat(unauthorized).isEqualTo(POLICY.accountFailures());
    for (HttpResponse<String> r : refused) {
      assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 900L);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("too_many_requests");
    }
    // One Argon2id hash per admitted attempt, none for the 290 refused.
    assertThat(hashes() - before).isEqualTo(POLICY.accountFailures());
    assertThat(counter("keycard.logins", "outcome", "throttled")).isEqualTo(290);
    assertThat(counter("keycard.logins", "outcome", "failed")).isEqualTo(10);
    assertThat(counter("keycard.throttled", "kind", "login")).isEqualTo(290);
  }

  @Test
  void rightPasswordFromTheAccountsUsualAddressStillGetsInDuringAnAttack() {
    assertThat(login("alice", "alice's right password", "192.0.2.10").status()).isEqualTo(200);

    List<CompletableFuture<HttpResponse<String>>> attack = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      attack.add(loginAsync("alice", "guess-" + i, "198.51.100." + i));
    }
    attack.forEach(CompletableFuture::join);
    assertThat(login("alice", "another guess", "198.51.100.200").status()).isEqualTo(429);

    Answer owner = login("alice", "alice's right password", "192.0.2.10");
    assertThat(owner.status()).isEqualTo(200);
    assertThat(owner.json().getString("access_token")).isNotBlank();
    // From an address the account never used, even the right password waits out the window: that is
    // what stops the attacker from finding it.
    assertThat(login("alice", "alice's right password", "192.0.2.99").status()).isEqualTo(429);
  }

  @Test
  void unknownAccountIsThrottledExactlyLikeAKnownOne() {
    for (int i = 0; i < 14; i++) {
      Answer known = login("alice", "wrong-" + i, "10.1.0.1");
      Answer unknown = login("nobody-by-this-name", "wrong-" + i, "10.2.0.1");
      assertThat(unknown.status()).as("attempt %d", i).isEqualTo(known.status());
      assertThat(unknown.body()).isEqualTo(known.body());
      if (known.status() == 429) {
        assertThat(Long.parseLong(unknown.header("Retry-After")))
            .isCloseTo(Long.parseLong(known.header("Retry-After")), org.assertj.core.data.Offset.offset(1L));
      }
    }
    assertThat(login("alice", "wrong", "10.1.0.1").status()).isEqualTo(429);
    assertThat(login("nobody-by-this-name", "wrong", "10.2.0.1").status()).isEqualTo(429);
  }

  @Test
  void failedLoginsFromOneAddressAreThrottledAcrossAccounts() {
    for (int i = 0; i < POLICY.addressFailures(); i++) {
      assertThat(login("user-" + i, "wrong", "10.3.0.1").status()).isEqualTo(401);
    }
    assertThat(login("alice", "alice's right password", "10.3.0.1").status()).isEqualTo(429);
    assertThat(login("alice", "alice's right password", "10.3.0.2").status()).isEqualTo(200);
  }

  @Test
  void clientAuthenticationIsThrottledPerClientIdAtIntrospectionRevocationAndToken() {
    String secret = keycard.addClient("resource-server", "");
    Answer good = http.postForm("/oauth2/introspect", params("token", "x"), "Authorization",
        basic("resource-server", secret), "X-Forwarded-For", "192.0.2.50");
    assertThat(good.status()).isEqualTo(200);

    String[] endpoints = {"/oauth2/introspect", "/oauth2/revoke", "/oauth2/token"};
    for (int i = 0; i < POLICY.clientFailures(); i++) {
      Answer wrong = http.postForm(endpoints[i % 3], params("token", "x", "grant_type", "client_credentials"),
          "Authorization", basic("resource-server", "kcs_guess" + i), "X-Forwarded-For", "203.0.113." + i);
      assertThat(wrong.status()).as("guess %d", i).isEqualTo(401);
    }
    for (String endpoint : endpoints) {
      Answer refused = http.postForm(endpoint, params("token", "x", "grant_type", "client_credentials"),
          "Authorization", basic("resource-server", "kcs_another"), "X-Forwarded-For", "203.0.113.77");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
      assertThat(refused.json().getString("error")).isEqualTo("too_many_requests");
    }
    // The resource server, from where it always calls, is not locked out by the guesses.
    Answer stillGood = http.postForm("/oauth2/introspect", params("token", "x"), "Authorization",
        basic("resource-server", secret), "X-Forwarded-For", "192.0.2.50");
    assertThat(stillGood.status()).isEqualTo(200);
    assertThat(counter("keycard.client.authentications", "outcome", "failed")).isEqualTo(20);
    assertThat(counter("keycard.client.authentications", "outcome", "throttled")).isEqualTo(3);
  }
}
