package dev.keycard.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed against a real, private redis-server, stopped and killed for real. */
class RedisChangeFeedTest {
  private static final Duration RETRY = Duration.ofMillis(200);
  /** Generous for a loaded machine; delivery itself takes milliseconds. */
  private static final long WAIT_SECONDS = 10;

  @TempDir
  Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private RealRedis redis(String password) {
    RealRedis redis = RealRedis.start(dir, password);
    open.add(redis);
    return redis;
  }

  private Recording subscribed(RedisEndpoint endpoint) {
    RedisChangeFeed feed = RedisChangeFeed.open(endpoint, RETRY);
    open.add(feed);
    Recording recording = new Recording(feed);
    feed.subscribe(recording);
    return recording;
  }

  @Test
  void aPublishedChangeReachesEverySubscriber() throws Exception {
    RealRedis redis = redis(null);
    Recording a = subscribed(new RedisEndpoint(redis.url(), null));
    Recording b = subscribed(new RedisEndpoint(redis.url(), null));
    a.awaitEvent("connected");
    b.awaitEvent("connected");

    a.feed.publish(new Change.Revoked(7));
    a.feed.publish(Change.Reload.SIGNING_KEYS);

    assertThat(b.awaitEvent("revoked:7")).isTrue();
    assertThat(b.awaitEvent("signing-keys")).isTrue();
    assertThat(a.awaitEvent("revoked:7")).as("the publisher hears itself too").isTrue();
  }

  @Test
  void afterRedisIsKilledAndComesBackTheSubscriberIsToldAndChangesFlowAgain() throws Exception {
    RealRedis redis = redis(null);
    Recording a = subscribed(new RedisEndpoint(redis.url(), null));
    Recording b = subscribed(new RedisEndpoint(redis.url(), null));
    a.awaitEvent("connected");
    b.awaitEvent("connected");

    redis.kill();
    assertThat(b.awaitEvent("disconnected")).isTrue();
    assertThat(b.feed.connected()).isFalse();
    long started = System.nanoTime();
    a.feed.publish(new Change.Revoked(1)); // lost: pub/sub keeps nothing, the catch-up covers it
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("publish never waits for Redis").isLessThan(Duration.ofSeconds(1));

    redis.start();
    assertThat(b.awaitEvent("connected")).as("told to catch up on resubscription").isTrue();
    a.awaitEvent("connected");
    assertThat(b.feed.connected()).isTrue();
    // The publishing connection reconnects on its own schedule, apart from the subscribed one: until
    // it has, publish refuses at once (false) and the catch-up interval covers what it would have said.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!a.feed.publish(new Change.Revoked(2))) {
      assertThat(System.nanoTime()).as("the publisher reconnected").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(b.awaitEvent("revoked:2")).isTrue();
  }

  @Test
  void aFeedOpenedWhileRedisIsDownJoinsWhenRedisComesUp() throws Exception {
    RealRedis redis = redis(null);
    redis.stop();
    Recording late = subscribed(new RedisEndpoint(redis.url(), null));
    assertThat(late.feed.connected()).isFalse();
    late.feed.publish(Change.Reload.STREAMS); // neither blocks nor throws

    redis.start();
    assertThat(late.awaitEvent("connected")).isTrue();
    Recording other = subscribed(new RedisEndpoint(redis.url(), null));
    other.awaitEvent("connected");
    other.feed.publish(Change.Reload.URL_KEYS);
    assertThat(late.awaitEvent("url-keys")).isTrue();
  }

  @Test
  void aPasswordGivenApartFromTheUrlLogsIn() throws Exception {
    RealRedis redis = redis("a long redis password");
    Recording withPassword = subscribed(new RedisEndpoint(redis.url(), "a long redis password"));
    assertThat(withPassword.awaitEvent("connected")).isTrue();
    Recording inUrl = subscribed(new RedisEndpoint(
        "redis://:a%20long%20redis%20password@127.0.0.1:" + redis.port(), null));
    assertThat(inUrl.awaitEvent("connected")).isTrue();

    inUrl.feed.publish(new Change.Revoked(3));
    assertThat(withPassword.awaitEvent("revoked:3")).isTrue();

    Recording without = subscribed(new RedisEndpoint(redis.url(), null));
    Thread.sleep(500);
    assertThat(without.feed.connected()).as("refused without the password").isFalse();
  }

  /** Events as strings, in order: {@code connected}, {@code disconnected}, or the change's encoding. */
  private static final class Recording implements ChangeListener {
    final RedisChangeFeed feed;
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    Recording(RedisChangeFeed feed) {
      this.feed = feed;
    }

    @Override
    public void changed(Change change) {
      events.add(change.encode());
    }

    @Override
    public void connected() {
      events.add("connected");
    }

    @Override
    public void disconnected() {
      events.add("disconnected");
    }

    /** Skips other events until {@code expected}; false when it did not come in time. */
    boolean awaitEvent(String expected) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        String event = events.poll(50, TimeUnit.MILLISECONDS);
        if (expected.equals(event)) {
          return true;
        }
      }
      return false;
    }
  }
}
