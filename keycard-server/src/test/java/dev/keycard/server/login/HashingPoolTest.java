package dev.keycard.server.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.account.User;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.throttle.ThrottlePolicy;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.LoginThrottling;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password hashing on its own bounded pool: a login that finds the queue full is answered 503 at once
 * (never left hanging), and a login flood leaves other users' refresh, introspection and logout
 * working, since those run on the worker pool. Throttling is off here, so every login is hashed:
 * the flood is what throttling cannot stop (many accounts from many addresses).
 * Latencies are measured in {@code bench/logins.sh}, not asserted here.
 */
class HashingPoolTest {
  /** Slow enough (tens of milliseconds a hash) that a burst finds the single thread busy. */
  static final PasswordHasher SLOW = new PasswordHasher(new SecureRandom(), 16 * 1024, 3, 1);

  @TempDir
  Path dataDir;
  KeycardServer server;
  TestHttp http;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() {
    ServerConfig config = TestKeycard.config(dataDir);
    config = config.withAbuse(config.abuse().withLogins(
        LoginThrottling.defaults().withPolicy(ThrottlePolicy.OFF).withHashing(1, 2)));
    server = KeycardServer.start(config, StreamingConfig.defaults(), Roles.ALL, InstantSource.system(), SLOW);
    http = TestHttp.at("http://127.0.0.1:" + server.port());
    for (String name : List.of("alice", "bob")) {
      server.stores().users().add(new User(name, SLOW.hash(name + "'s password"), Scopes.parse("profile"),
          InstantSource.system().instant()));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CompletableFuture<HttpResponse<String>> loginAsync(String user, String password) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + "/auth/login"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", user).put("password", password).encode()))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loginsWhenTheHashingQueueIsFullAreAnswered503AtOnceNeverLeftHanging() {
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      burst.add(loginAsync("user-" + i, "guess"));
    }
    List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();
    assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isIn(401, 503));
    List<HttpResponse<String>> busy = answers.stream().filter(r -> r.statusCode() == 503).toList();
    assertThat(busy).isNotEmpty();
    for (HttpResponse<String> r : busy) {
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("temporarily_unavailable");
    }
    assertThat(server.services().monitoring().meters().counter("keycard.logins", "outcome", "busy").count())
        .isEqualTo(busy.size());
    assertThat(server.services().credentials().hashing().tasksRun()).isEqualTo(40 - busy.size());
  }

  @Test
  void loginFloodLeavesAnotherUsersRefreshIntrospectionAndLogoutWorking() {
    JsonObject bob = http.login("bob", "bob's password").json();
    String rsSecret = new dev.keycard.core.secret.Secrets(new SecureRandom()).newToken("kcs_", 32);
    server.stores().clients().add(new dev.keycard.core.account.Client("rs",
        dev.keycard.core.secret.Secrets.hash(rsSecret), Scopes.parse(""), InstantSource.system().instant()));

    List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(loginAsync("alice", "guess-" + i));
    }
    Answer refreshed = http.refresh(bob.getString("refresh_token"));
    assertThat(refreshed.status()).isEqualTo(200);
    String access = refreshed.json().getString("access_token");
    Answer introspected = http.postForm("/oauth2/introspect", TestHttp.params("token", access),
        "Authorization", TestHttp.basic("rs", rsSecret));
    assertThat(introspected.json().getBoolean("active")).isTrue();
    assertThat(http.post("/auth/logout", null, "", "Authorization", "Bearer " + access).status()).isEqualTo(204);

    assertThat(flood.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList())
        .allSatisfy(s -> assertThat(s).isIn(401, 503));
  }
}
