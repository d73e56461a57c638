package dev.keycard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.redis.RealRedis;
import dev.keycard.store.redis.RedisChangeFeed;
import dev.keycard.store.redis.RedisEndpoint;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several keycard instances on one database and one private, real Redis: what one does reaches the
 * other through Redis within milliseconds, and losing Redis (a {@code kill -9}) delays that to the
 * database catch-up interval without failing a single request. The database is the embedded H2
 * shared by two servers in this JVM, as in {@link SharedStoreTest}.
 */
class RedisFanOutTest {
  /** Generous for a loaded two-core machine. */
  private static final Duration BOUND = Duration.ofSeconds(20);

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

  /** An instance whose own catch-up runs every {@code catchUp}, with the Redis feed. */
  private TestKeycard start(Duration catchUp) {
    ServerConfig config = TestKeycard.config(dataDir).withDenylistCatchUp(catchUp);
    TestKeycard k = TestKeycard.start(config, InstantSource.system(),
        c -> RedisChangeFeed.open(new RedisEndpoint(redis.url(), null), Duration.ofMillis(200)));
    open.add(k);
    return k;
  }

  private static String access(TestKeycard at, String user) {
    return at.http().login(user, user + "'s password").json().getString("access_token");
  }

  private static int logout(TestKeycard at, String access) {
    return at.http().post("/auth/logout", null, "", "Authorization", "Bearer " + access).status();
  }

  /** Polls until {@code done}, at most {@link #BOUND}; returns how long it took. */
  private static Duration await(BooleanSupplier done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the other instance").isLessThan(BOUND);
      Thread.sleep(1);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static long percentile(List<Duration> delays, int p) {
    List<Long> ms = delays.stream().map(Duration::toMillis).sorted().toList();
    return ms.get(Math.min(ms.size() - 1, (int) Math.ceil(p / 100.0 * ms.size()) - 1));
  }

  @Test
  void logoutOnOneInstanceIsRefusedByTheOtherThroughRedisLongBeforeItsCatchUp() throws Exception {
    // A catch-up once a minute: only the Redis message can bring the revocation sooner.
    TestKeycard a = start(Duration.ofMinutes(1));
    TestKeycard b = start(Duration.ofMinutes(1));
    await(() -> a.server().feedConnected() && b.server().feedConnected());
    a.addUser("alice", "alice's password", "profile stream:watch");
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String access = access(b, "alice");
      assertThat(a.http().me(access).status()).isEqualTo(200);
      assertThat(logout(b, access)).isEqualTo(204);
      delays.add(await(() -> a.http().me(access).status() == 401));
      assertThat(a.http().me(access).json().getString("error_description")).isEqualTo("The access token was revoked");
    }
    System.out.printf("logout on B refused by A through Redis, 20 revocations: p50 %d ms, p99 %d ms%n",
        percentile(delays, 50), percentile(delays, 99));
    assertThat(percentile(delays, 50)).as("well before the one-minute catch-up").isLessThan(BOUND.toMillis());
  }

  @Test
  void revokeOnOneInstanceCutsThePlaybackSessionAtTheOthersEdge() throws Exception {
    TestKeycard a = start(Duration.ofMinutes(1));
    TestKeycard b = start(Duration.ofMinutes(1));
    await(() -> a.server().feedConnected() && b.server().feedConnected());
    a.addUser("bob", "bob's password", "profile stream:watch");
    String access = access(a, "bob");
    Answer started = a.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + access);
    MediaClient edgeA = new MediaClient(a.server().edgeBaseUrl());
    String segment = MediaClient.uriLines(edgeA.mediaPlaylist(started.json().getString("playlist_url")).text()).getFirst();
    assertThat(edgeA.get(segment).status()).isEqualTo(200);

    assertThat(logout(b, access)).isEqualTo(204);

    await(() -> edgeA.get(segment).status() == 403);
    assertThat(new JsonObject(edgeA.get(segment).text()).getString("error")).isEqualTo("session_revoked");
  }

  @Test
  void keysRotateWithRedisUrlReachesEveryRunningInstanceAtOnce() throws Exception {
    TestKeycard a = start(Duration.ofMinutes(1));
    TestKeycard b = start(Duration.ofMinutes(1));
    await(() -> a.server().feedConnected() && b.server().feedConnected());
    a.addUser("carol", "carol's password", "profile");
    String before = SignedJWT.parse(access(a, "carol")).getHeader().getKeyID();

    StringWriter out = new StringWriter();
    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString(),
        "--redis-url", redis.url()}, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true), Map.of());
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("told through Redis");

    // No maintenance run here (every 10 s): the message makes both reload.
    await(() -> !kid(access(a, "carol")).equals(before));
    String after = access(b, "carol");
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(before);
    assertThat(a.http().me(after).status()).isEqualTo(200);
  }

  private static String kid(String jwt) {
    try {
      return SignedJWT.parse(jwt).getHeader().getKeyID();
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * {@code kill -9} of Redis under traffic on both instances: no request fails; a logout made during
   * the outage is enforced by the other instance within its catch-up interval; once Redis is back,
   * revocations travel through it again, long before the interval.
   */
  @Test
  void killingRedisUnderTrafficFailsNoRequestAndDelaysRevocationsToTheCatchUpInterval() throws Exception {
    // Long enough to tell a Redis delivery (milliseconds) from a catch-up (up to 10 s).
    Duration interval = Duration.ofSeconds(10);
    TestKeycard a = start(interval);
    TestKeycard b = start(interval);
    await(() -> a.server().feedConnected() && b.server().feedConnected());
    a.addUser("dan", "dan's password", "profile stream:watch");
    String steady = access(a, "dan");
    Answer started = a.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + steady);
    MediaClient edgeA = new MediaClient(a.server().edgeBaseUrl());
    MediaClient edgeB = new MediaClient(b.server().edgeBaseUrl());
    String segment = MediaClient.uriLines(edgeA.mediaPlaylist(started.json().getString("playlist_url")).text()).getFirst();

    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> traffic = new ArrayList<>();
    for (TestKeycard at : List.of(a, b)) {
      traffic.add(Thread.ofPlatform().start(() -> {
        while (running.get()) {
          count(outcomes, "me", () -> at.http().me(steady).status());
          count(outcomes, "ready", () -> at.http().get("/health/ready").status());
        }
      }));
    }
    for (MediaClient edge : List.of(edgeA, edgeB)) {
      traffic.add(Thread.ofPlatform().start(() -> {
        while (running.get()) {
          count(outcomes, "segment", () -> edge.get(segment).status());
        }
      }));
    }
    try {
      Thread.sleep(300);
      redis.kill();
      await(() -> !a.server().feedConnected() && !b.server().feedConnected());
      Answer ready = a.http().get("/health/ready");
      assertThat(ready.status()).as("Redis is not needed to be current").isEqualTo(200);
      assertThat(ready.json().getString("redis")).isEqualTo("disconnected");

      String duringOutage = access(b, "dan");
      assertThat(a.http().me(duringOutage).status()).isEqualTo(200);
      assertThat(logout(b, duringOutage)).isEqualTo(204);
      Duration fallback = await(() -> a.http().me(duringOutage).status() == 401);
      System.out.println("during the Redis outage, A refused the token logged out on B after " + fallback.toMillis()
          + " ms (catch-up every " + interval.toMillis() + " ms)");
      assertThat(fallback).isLessThan(interval.plus(Duration.ofSeconds(5)));

      redis.start();
      await(() -> a.server().feedConnected() && b.server().feedConnected());
      List<Duration> after = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String access = access(b, "dan");
        assertThat(logout(b, access)).isEqualTo(204);
        after.add(await(() -> a.http().me(access).status() == 401));
      }
      System.out.println("after Redis came back: " + after.stream().map(d -> d.toMillis() + " ms").toList());
      // Five in a row well inside a 10 s interval: by chance alone that would be 1 in 10^5.
      assertThat(after).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
    } finally {
      running.set(false);
      for (Thread t : traffic) {
        t.join();
      }
    }
    System.out.println("traffic during the fault: " + outcomes);
    assertThat(outcomes.keySet()).noneMatch(k -> k.endsWith(" 5xx") || k.endsWith(" error"));
    assertThat(outcomes.get("me 200").get()).isPositive();
    assertThat(outcomes.get("segment 200").get()).isPositive();
    assertThat(outcomes.get("ready 200").get()).isPositive();
  }

  private interface Status {
    int get() throws Exception;
  }

  private static void count(Map<String, AtomicInteger> outcomes, String what, Status request) {
    String key;
    try {
      int status = request.get();
      key = what + " " + (status >= 500 ? "5xx" : String.valueOf(status));
    } catch (Exception e) {
      key = what + " error";
    }
    outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }
}
