package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-concurrent-streams} on the embedded default, over real HTTP: stream-start on the API,
 * playback of the built-in demo stream at the edge, time moved on the server's clock. Each login is a
 * device (its own session); the account is the user.
 */
class ConcurrentStreamLimitTest {
  private static final Duration WINDOW = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;
  private final MutableClock clock = MutableClock.atFixedStart();
  private TestKeycard keycard;
  private MediaClient edge;

  @AfterEach
  void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  private void start(int max, StreamLimitPolicy policy) {
    keycard = TestKeycard.start(TestKeycard.config(dataDir).withAbuse(TestKeycard.config(dataDir).abuse()
        .withStreamLimits(new StreamLimits(max, policy, WINDOW))), StreamingConfig.defaults(), clock);
    keycard.addUser("alice", "alice's password", "profile stream:watch");
    keycard.addUser("bob", "bob's password", "profile stream:watch");
    edge = new MediaClient(keycard.server().edgeBaseUrl());
  }

  /** A new device of {@code user}: its own login session. */
  private String device(String user) {
    return keycard.http().login(user, user + "'s password").json().getString("access_token");
  }

  private Answer startStream(String token) {
    return keycard.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token);
  }

  /** Starts and opens the playback session: the media playlist URL the player then reloads. */
  private String play(String token) {
    Answer started = startStream(token);
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    Reply master = edge.get(started.json().getString("playlist_url"));
    assertThat(master.status()).isEqualTo(200);
    String media = MediaClient.uriLines(master.text()).get(0);
    assertThat(edge.get(media).status()).isEqualTo(200);
    return media;
  }

  private MeterRegistry meters() {
    return keycard.server().services().monitoring().meters();
  }

  @Test
  void secondDeviceIsRefusedWithAnErrorAPlayerCanShowWhileTheFirstPlays() {
    start(1, StreamLimitPolicy.REFUSE);
    String phone = device("alice");
    String tv = device("alice");
    play(phone);

    Answer refused = startStream(tv);

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Content-Type")).startsWith("application/json");
    assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
    JsonObject body = refused.json();
    assertThat(body.getString("error")).isEqualTo("too_many_streams");
    assertThat(body.getString("error_description"))
        .isEqualTo("This account is already watching 1 stream, the most it may watch at once (1); stop one to start another");
    assertThat(body.getInteger("max_concurrent_streams")).isEqualTo(1);
    assertThat(body.getInteger("active_streams")).isEqualTo(1);
    assertThat(startStream(phone).status()).as("the playing device starting again is the same session").isEqualTo(200);
    assertThat(startStream(device("bob")).status()).as("another account").isEqualTo(200);
    assertThat(meters().counter("keycard.stream.limit.refused").count()).isEqualTo(1.0);
    assertThat(meters().get("keycard.playback.sessions.active").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void slotIsFreedOnceTheFirstDeviceStopsFetchingForTheIdleWindow() {
    start(1, StreamLimitPolicy.REFUSE);
    String phone = device("alice");
    String tv = device("alice");
    String media = play(phone);

    // The phone keeps reloading its playlist: it stays active long after its start.
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(20));
      assertThat(edge.get(media).status()).isEqualTo(200);
    }
    clock.advance(WINDOW.minusSeconds(1));
    assertThat(startStream(tv).status()).isEqualTo(403);

    clock.advance(Duration.ofSeconds(2)); // the phone stopped: nothing fetched for longer than the window
    play(tv);
    assertThat(startStream(phone).status()).as("now the TV holds the slot").isEqualTo(403);
  }

  @Test
  void startThatWasNeverPlayedHoldsTheSlotForOneIdleWindowOnly() {
    start(1, StreamLimitPolicy.REFUSE);
    String phone = device("alice");
    assertThat(startStream(phone).status()).isEqualTo(200);
    String tv = device("alice");

    assertThat(startStream(tv).status()).as("two devices starting together: one slot").isEqualTo(403);
    clock.advance(WINDOW.plusSeconds(1));
    assertThat(startStream(tv).status()).isEqualTo(200);
  }

  @Test
  void evictOldestCutsTheFirstViewerOffAtTheEdgeAndSignsThatDeviceOut() {
    start(1, StreamLimitPolicy.EVICT_OLDEST);
    String phone = device("alice");
    String phoneMedia = play(phone);
    clock.advance(Duration.ofSeconds(5));
    String tv = device("alice");

    String tvMedia = play(tv);

    Reply cut = edge.get(phoneMedia);
    assertThat(cut.status()).isEqualTo(403);
    assertThat(cut.text()).contains("\"error\":\"session_revoked\"");
    assertThat(keycard.http().me(phone).status()).as("the evicted device's session is revoked").isEqualTo(401);
    assertThat(edge.get(tvMedia).status()).isEqualTo(200);
    assertThat(keycard.http().me(tv).status()).isEqualTo(200);
    assertThat(meters().counter("keycard.stream.limit.evictions").count()).isEqualTo(1.0);
    assertThat(meters().counter("keycard.stream.limit.refused").count()).isZero();
  }

  @Test
  void withoutALimitEveryDeviceMayStart() {
    keycard = TestKeycard.start(TestKeycard.config(dataDir), StreamingConfig.defaults(), clock);
    keycard.addUser("alice", "alice's password", "profile stream:watch");
    edge = new MediaClient(keycard.server().edgeBaseUrl());
    for (int i = 0; i < 5; i++) {
      play(device("alice"));
    }
    assertThat(meters().get("keycard.playback.sessions.active").gauge().value()).isEqualTo(5.0);
  }
}
