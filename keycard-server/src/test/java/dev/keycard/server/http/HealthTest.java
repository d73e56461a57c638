package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health/live} and {@code /health/ready}, beside the unchanged {@code /health}. */
class HealthTest {
  @TempDir
  Path dataDir;

  @Test
  void liveAnswersAndReadyReportsTheDatabaseTheDenylistAndNoRedis() {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      Answer live = keycard.http().get("/health/live");
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().getString("status")).isEqualTo("live");

      Answer ready = keycard.http().get("/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      JsonObject body = ready.json();
      assertThat(body.getString("status")).isEqualTo("ready");
      assertThat(body.getString("database")).isEqualTo("up");
      assertThat(body.getJsonObject("denylist").getBoolean("caught_up")).isTrue();
      assertThat(body.getJsonObject("denylist").getLong("bound_ms")).isEqualTo(3_000);
      assertThat(body.getString("redis")).isEqualTo("off");
      assertThat(keycard.http().get("/health").json().getString("status")).isEqualTo("ok");
    }
  }

  @Test
  void readyWhenTheDatabaseIsGoneAndTheDenylistCannotProveItIsCurrentThenNotReadyWhileLiveStaysUp() {
    MutableClock clock = MutableClock.atFixedStart();
    try (TestKeycard keycard = TestKeycard.start(TestKeycard.config(dataDir), clock)) {
      assertThat(keycard.http().get("/health/ready").status()).isEqualTo(200);

      keycard.server().stores().close();
      Answer databaseDown = keycard.http().get("/health/ready");
      assertThat(databaseDown.status()).isEqualTo(503);
      assertThat(databaseDown.json().getString("status")).isEqualTo("not_ready");
      assertThat(databaseDown.json().getString("database")).isEqualTo("down");

      // Three catch-up intervals without a successful catch-up: revocations made elsewhere may be missing.
      clock.advance(Duration.ofSeconds(4));
      JsonObject stale = keycard.http().get("/health/ready").json();
      assertThat(stale.getJsonObject("denylist").getBoolean("caught_up")).isFalse();
      assertThat(stale.getJsonObject("denylist").getLong("age_ms")).isGreaterThanOrEqualTo(4_000);

      assertThat(keycard.http().get("/health/live").status()).isEqualTo(200);
      assertThat(keycard.http().get("/health").status()).isEqualTo(200);
    }
  }

  @Test
  void readyWhenTheDenylistFallsBehindThenNotReadyUntilTheNextCatchUp() throws Exception {
    MutableClock clock = MutableClock.atFixedStart();
    try (TestKeycard keycard = TestKeycard.start(
        TestKeycard.config(dataDir).withDenylistCatchUp(Duration.ofMinutes(1)), clock)) {
      // The one-minute catch-up will not run during this test: only the clock moves.
      clock.advance(Duration.ofMinutes(3).plusSeconds(1));
      Answer behind = keycard.http().get("/health/ready");
      assertThat(behind.status()).isEqualTo(503);
      assertThat(behind.json().getString("database")).isEqualTo("up");
      assertThat(behind.json().getJsonObject("denylist").getBoolean("caught_up")).isFalse();

      keycard.server().denylist().catchUp();
      assertThat(keycard.http().get("/health/ready").status()).isEqualTo(200);
    }
  }
}
