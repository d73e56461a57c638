package dev.keycard.resourceserver.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.TestHttp;
import org.junit.jupiter.api.Test;

/**
 * What every framework adapter of keycard-resource-server must do, run against a real web server of
 * that framework with the adapter in front of two routes: {@code GET /hello} (any valid token; the
 * application answers {@code "SUBJECT SCOPE"}) and {@code POST /orders} (scope {@code orders:write},
 * which the fixture's user lacks). A refusal must be keycard's own, byte for byte: the same status,
 * {@code WWW-Authenticate} and JSON body as keycard's {@code /auth/verify} gives for the same request.
 * Each adapter's test extends this once, as each store's test extends its store contract.
 */
public abstract class AdapterContract {
  /** The keycard and library the adapter under test was built with. */
  protected abstract ServiceFixture fixture();

  /** The service with the adapter in front. */
  protected abstract TestHttp service();

  /** The service answers a refusal with keycard's status, challenge and body. */
  private static void answersAsKeycard(TestHttp.Answer fromService, TestHttp.Answer fromKeycard) {
    assertThat(fromService.status()).isEqualTo(fromKeycard.status());
    assertThat(fromService.header("WWW-Authenticate")).isEqualTo(fromKeycard.header("WWW-Authenticate"));
    assertThat(fromService.json()).isEqualTo(fromKeycard.json());
    assertThat(fromService.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  public void aGoodTokenReachesTheApplicationWithWhoItSpeaksFor() {
    TestHttp.Answer answer = service().get("/hello", "Authorization", "Bearer " + fixture().login());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("ana orders:read profile");
  }

  @Test
  public void refusalsAreKeycardsOwnByteForByte() {
    String token = fixture().login();
    answersAsKeycard(service().get("/hello"), fixture().keycardVerdict(null));
    for (String authorization : new String[] {"Bearer " + ServiceFixture.tampered(token), "Bearer not.a.token",
        "Basic YTpi", "Bearer " + token.substring(0, 40), "Bearer"}) {
      answersAsKeycard(service().get("/hello", "Authorization", authorization),
          fixture().keycardVerdict(null, "Authorization", authorization));
    }
    answersAsKeycard(service().get("/hello", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token),
        fixture().keycardVerdict(null, "Authorization", "Bearer " + token, "Authorization", "Bearer " + token));
    answersAsKeycard(service().post("/orders", "application/json", "{}", "Authorization", "Bearer " + token),
        fixture().keycardVerdict("orders:write", "Authorization", "Bearer " + token));
  }

  @Test
  public void aTokenRevokedAtKeycardIsRefusedWithinASecond() throws Exception {
    String token = fixture().login();
    assertThat(service().get("/hello", "Authorization", "Bearer " + token).status()).isEqualTo(200);

    assertThat(fixture().logout(token)).isEqualTo(204);
    long loggedOut = System.nanoTime();
    TestHttp.Answer answer = service().get("/hello", "Authorization", "Bearer " + token);
    while (answer.status() == 200 && System.nanoTime() - loggedOut < 1_000_000_000L) {
      Thread.sleep(20);
      answer = service().get("/hello", "Authorization", "Bearer " + token);
    }

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).contains("The access token was revoked");
  }
}
