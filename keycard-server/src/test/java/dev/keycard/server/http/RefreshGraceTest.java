package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresh grace window over real HTTP against the H2 store: retries of a token whose response
 * was lost are idempotent, whether they race each other, race the first use, or come after a
 * restart; no 200 ever carries a token that is already dead. The clock stands still unless moved.
 */
class RefreshGraceTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int RACERS = 8;

  @TempDir
  Path dataDir;
  MutableClock clock;
  TestKeycard keycard;

  @BeforeEach
  void start() {
    ServerConfig c = TestKeycard.config(dataDir);
    ServerConfig withGrace = new ServerConfig(c.dataDir(), c.host(), c.port(), c.issuer(), c.audience(),
        c.accessTokenTtl(), c.tokenFormat(), c.algorithm(), null, c.clockSkew(), c.refreshIdleTtl(),
        c.refreshAbsoluteTtl(), GRACE, c.maxTokenSize());
    clock = new MutableClock(Instant.now());
    keycard = TestKeycard.start(withGrace, clock);
    keycard.addUser("rae", "rae's password", "profile");
  }

  @AfterEach
  void stop() {
    keycard.close();
  }

  private TestHttp http() {
    return keycard.http();
  }

  /** Issue 6: two concurrent retries gave one 200 and one reuse, which revoked the session under the 200. */
  @Test
  void concurrentRetriesOfAJustRotatedTokenAllGetTheSameLiveTokens() throws Exception {
    String first = http().login("rae", "rae's password").json().getString("refresh_token");
    String lost = http().refresh(first).json().getString("refresh_token"); // the answer the client never read

    List<Answer> retries = race(() -> http().refresh(first));

    assertAllGrantedWithLiveTokens(retries, lost);
  }

  @Test
  void concurrentFirstUsesOfOneTokenAllGetTheSameLiveTokens() throws Exception {
    String first = http().login("rae", "rae's password").json().getString("refresh_token");

    List<Answer> uses = race(() -> http().refresh(first));

    String next = uses.get(0).json().getString("refresh_token");
    assertAllGrantedWithLiveTokens(uses, next);
  }

  @Test
  void retryAfterARestartInsideTheWindowGetsTheSuccessorThatWasCommitted() {
    String first = http().login("rae", "rae's password").json().getString("refresh_token");
    String committed = http().refresh(first).json().getString("refresh_token");
    keycard.restart();
    clock.advance(GRACE.minusSeconds(1));

    Answer retry = http().refresh(first);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getString("refresh_token")).isEqualTo(committed);
    assertThat(http().me(retry.json().getString("access_token")).status()).isEqualTo(200);
  }

  @Test
  void retryOnceTheWindowHasClosedIsReuseAndEndsTheSession() {
    JsonObject login = http().login("rae", "rae's password").json();
    JsonObject rotated = http().refresh(login.getString("refresh_token")).json();
    clock.advance(GRACE);

    Answer late = http().refresh(login.getString("refresh_token"));

    assertThat(late.status()).isEqualTo(400);
    assertThat(late.json().getString("error")).isEqualTo("invalid_grant");
    assertThat(http().me(rotated.getString("access_token")).status()).isEqualTo(401);
    assertThat(http().refresh(rotated.getString("refresh_token")).status()).isEqualTo(400);
  }

  private void assertAllGrantedWithLiveTokens(List<Answer> answers, String expectedRefreshToken) {
    for (Answer a : answers) {
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().getString("refresh_token")).isEqualTo(expectedRefreshToken);
    }
    // Checked only after every answer is in: a later racer must not have killed an earlier 200.
    for (Answer a : answers) {
      assertThat(http().me(a.json().getString("access_token")).status()).as("access token of a 200").isEqualTo(200);
    }
    assertThat(http().refresh(expectedRefreshToken).status()).as("the refresh token every 200 carried").isEqualTo(200);
  }

  private static List<Answer> race(java.util.concurrent.Callable<Answer> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<Answer> out = new ArrayList<>();
      for (Future<Answer> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
