package dev.keycard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.testing.JwtAttacks;
import dev.keycard.resourceserver.testing.AdapterContract;
import dev.keycard.resourceserver.testing.ServiceFixture;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample Spring Boot service in a JVM of its own, checking the tokens of a real keycard through
 * keycard-resource-server: the adapter contract (keycard's own answers, revocation within a second),
 * every JWT attack refused for keycard's reason, a key rotation picked up, and a flood of unknown
 * {@code kid}s that cannot become a flood of key-set fetches.
 */
class SampleServiceTest extends AdapterContract {
  @TempDir
  static Path dataDir;
  static ServiceFixture fixture;
  static SampleProcess sample;

  static Map<String, String> environment(ServiceFixture fixture, String refetchSeconds) {
    return Map.of("KEYCARD_ISSUER", TestKeycard.ISSUER, "KEYCARD_LOCATION", fixture.http().base(),
        "KEYCARD_AUDIENCE", TestKeycard.AUDIENCE, "KEYCARD_CLIENT_ID", ServiceFixture.CLIENT,
        "KEYCARD_CLIENT_SECRET", fixture.clientSecret(), "KEYCARD_KEY_REFETCH_INTERVAL", refetchSeconds);
  }

  @BeforeAll
  static void start() throws Exception {
    fixture = ServiceFixture.start(dataDir);
    sample = SampleProcess.start(environment(fixture, "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sample != null) {
      sample.close();
      assertThat(sample.output()).doesNotContain(fixture.clientSecret()).doesNotContain("Exception");
    }
    fixture.close();
  }

  @Override
  protected ServiceFixture fixture() {
    return fixture;
  }

  @Override
  protected TestHttp service() {
    return sample.http();
  }

  @Test
  void everyJwtAttackIsRefusedForTheReasonKeycardGives() {
    SigningKey signer = fixture.keycard().server().services().keys().current().signer();
    Map<String, String> attacks = JwtAttacks.against(signer, Instant.now(), TestKeycard.ISSUER, TestKeycard.AUDIENCE);
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(20);
    attacks.forEach((attack, token) -> {
      TestHttp.Answer atService = sample.http().get("/hello", "Authorization", "Bearer " + token);
      TestHttp.Answer atKeycard = fixture.keycardVerdict(null, "Authorization", "Bearer " + token);
      // 401 invalid_token, or 400 invalid_request for a value that is not even a token68 ("%%%…").
      assertThat(atService.status()).as(attack).isIn(400, 401).isEqualTo(atKeycard.status());
      assertThat(atService.header("WWW-Authenticate")).as(attack).isEqualTo(atKeycard.header("WWW-Authenticate"));
    });
  }

  @Test
  void aKeyRotatedAtKeycardIsAcceptedByTheServiceWithoutARestart() throws Exception {
    String before = fixture.login();
    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString()},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), Map.of());
    assertThat(exit).isZero();
    fixture.keycard().server().runMaintenance();
    String after = fixture.login();
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());

    assertThat(sample.http().get("/hello", "Authorization", "Bearer " + after).status()).isEqualTo(200);
    assertThat(sample.http().get("/hello", "Authorization", "Bearer " + before).status()).isEqualTo(200);
  }

  @Test
  void tenThousandTokensWithUnknownKidsCostAtMostOneKeySetFetchPerInterval() throws Exception {
    try (SampleProcess guarded = SampleProcess.start(environment(fixture, "600"))) {
      long fetchesBefore = fetches(guarded);
      String[] parts = fixture.login().split("\\.");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Semaphore inFlight = new Semaphore(16);
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
            ("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"made-up-" + i + "\"}").getBytes());
        inFlight.acquire();
        answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create(guarded.http().base() + "/hello"))
                .header("Authorization", "Bearer " + header + "." + parts[1] + "." + parts[2]).GET().build(),
            HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> inFlight.release()));
      }
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.join();
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
            .contains("The access token was signed by an unknown key");
      }
      assertThat(fetches(guarded)).isLessThanOrEqualTo(fetchesBefore + 1);
    }
  }

  private static long fetches(SampleProcess service) {
    return service.http().get("/keycard/health").json().getLong("keyFetches");
  }
}
