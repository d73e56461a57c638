package dev.keycard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.SharedState;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisChangeFeed;
import dev.keycard.store.redis.RedisEndpoint;
import dev.keycard.store.redis.RedisPlaybackActivity;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrent-stream limit across two keycard instances (API and edge each) on one database and a
 * private, real Redis, in real time with the shortest idle window (5 s): a viewer playing through one
 * instance's edge counts against a start made through the other's API, and evict-oldest cuts the
 * viewer off at the other instance's edge.
 */
class ConcurrentStreamLimitAcrossInstancesTest {
  private static final Duration WINDOW = Duration.ofSeconds(5);
  /** Generous for a loaded two-core machine. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;
  @TempDir
  Path redisDir;
  private RealRedis redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void redis() {
    redis = RealRedis.start(redisDir);
    open.add(redis);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private TestKeycard instance(StreamLimitPolicy policy) {
    StreamLimits limits = new StreamLimits(1, policy, WINDOW);
    ServerConfig base = TestKeycard.config(dataDir);
    ServerConfig config = base.withAbuse(base.abuse().withStreamLimits(limits));
    RedisEndpoint endpoint = new RedisEndpoint(redis.url(), null);
    StreamingConfig streaming = StreamingConfig.defaults();
    TestKeycard k = TestKeycard.startSharing(config, InstantSource.system(),
        c -> SharedState.feed(RedisChangeFeed.open(endpoint, Duration.ofMillis(200)))
            .withPlaybackActivity(RedisPlaybackActivity.open(endpoint, limits.rule(),
                streaming.playlistUrlTtl().plus(streaming.playbackSessionTtl()), InstantSource.system(),
                Duration.ofMillis(200))));
    open.add(k);
    return k;
  }

  private static String device(TestKeycard at) {
    return at.http().login("alice", "alice's password").json().getString("access_token");
  }

  private static Answer startStream(TestKeycard at, String token) {
    return at.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + token);
  }

  /** Starts through {@code api}, opens the session at {@code edge}: the media playlist URL to reload there. */
  private static String play(TestKeycard api, String token, MediaClient edge) {
    Answer started = startStream(api, token);
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    URI ticket = URI.create(started.json().getString("playlist_url"));
    Reply master = edge.get(ticket.getRawPath() + "?" + ticket.getRawQuery());
    assertThat(master.status()).isEqualTo(200);
    String media = MediaClient.uriLines(master.text()).get(0);
    assertThat(edge.get(media).status()).isEqualTo(200);
    return media;
  }

  private static Duration await(BooleanSupplier done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited").isLessThan(BOUND);
      Thread.sleep(100);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void awaitFeeds(TestKeycard a, TestKeycard b) throws InterruptedException {
    await(() -> a.server().feedConnected() && b.server().feedConnected());
  }

  @Test
  void viewerPlayingThroughEdgeBCountsAgainstStartsThroughEitherApiUntilItStops() throws Exception {
    TestKeycard a = instance(StreamLimitPolicy.REFUSE);
    TestKeycard b = instance(StreamLimitPolicy.REFUSE);
    awaitFeeds(a, b);
    a.addUser("alice", "alice's password", "profile stream:watch");
    MediaClient edgeB = new MediaClient(b.edgeBase());
    String phone = device(a);
    String media = play(a, phone, edgeB); // started through A's API, played through B's edge

    // Longer than the window: only B's edge's marks, through Redis, keep the phone's session active.
    long until = System.nanoTime() + WINDOW.multipliedBy(2).toNanos();
    while (System.nanoTime() < until) {
      assertThat(edgeB.get(media).status()).isEqualTo(200);
      Thread.sleep(500);
    }
    String tv = device(b);
    Answer throughA = startStream(a, tv);
    Answer throughB = startStream(b, tv);

    assertThat(throughA.status()).as(throughA.body()).isEqualTo(403);
    assertThat(throughA.json().getString("error")).isEqualTo("too_many_streams");
    assertThat(throughB.status()).as(throughB.body()).isEqualTo(403);

    // The phone stops; once the window has passed, the TV may start, through either instance.
    Duration freed = await(() -> startStream(b, tv).status() == 200);
    System.out.printf("slot freed %d ms after the refused starts (idle window %d s)%n",
        freed.toMillis(), WINDOW.toSeconds());
    assertThat(startStream(a, phone).status()).as("the TV holds the slot now").isEqualTo(403);
  }

  @Test
  void evictOldestThroughApiBCutsTheViewerOffAtEdgeAWithinSeconds() throws Exception {
    TestKeycard a = instance(StreamLimitPolicy.EVICT_OLDEST);
    TestKeycard b = instance(StreamLimitPolicy.EVICT_OLDEST);
    awaitFeeds(a, b);
    a.addUser("alice", "alice's password", "profile stream:watch");
    MediaClient edgeA = new MediaClient(a.edgeBase());
    MediaClient edgeB = new MediaClient(b.edgeBase());
    String phone = device(a);
    String phoneMedia = play(a, phone, edgeA);
    Thread.sleep(1_500); // a flush of A's marks

    String tv = device(b);
    String tvMedia = play(b, tv, edgeB);

    Duration cut = await(() -> {
      Reply r = edgeA.get(phoneMedia);
      return r.status() == 403 && r.text().contains("\"error\":\"session_revoked\"");
    });
    System.out.printf("evicted viewer refused at the other instance's edge %d ms after the new start%n", cut.toMillis());
    assertThat(cut).isLessThan(Duration.ofSeconds(10));
    assertThat(edgeB.get(tvMedia).status()).isEqualTo(200);
    assertThat(b.server().services().monitoring().meters().counter("keycard.stream.limit.evictions").count())
        .isEqualTo(1.0);
  }

  @Test
  void redisKilledNeverFailsAStartAndEachInstanceLimitsOnWhatItKnows() throws Exception {
    TestKeycard a = instance(StreamLimitPolicy.REFUSE);
    TestKeycard b = instance(StreamLimitPolicy.REFUSE);
    awaitFeeds(a, b);
    a.addUser("alice", "alice's password", "profile stream:watch");
    MediaClient edgeA = new MediaClient(a.edgeBase());
    String phone = device(a);
    String media = play(a, phone, edgeA);

    redis.kill();

    String tv = device(b);
    Answer throughA = startStream(a, tv);
    assertThat(throughA.status()).as("A started and serves the phone: it knows").isEqualTo(403);
    Answer throughB = startStream(b, tv);
    assertThat(throughB.status()).as("B knows nothing of the phone without Redis: admitted, not a 5xx")
        .isEqualTo(200);
    assertThat(edgeA.get(media).status()).as("the edge keeps serving").isEqualTo(200);
  }
}
