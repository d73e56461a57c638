package dev.keycard.store.redis;

import dev.keycard.core.streamlimit.Admission;
import dev.keycard.core.streamlimit.InMemoryPlaybackActivity;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.core.streamlimit.PlaybackSession;
import dev.keycard.core.streamlimit.StreamLimit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlaybackActivity} shared by every instance through Redis, so a viewer playing through one
 * edge counts against a start made through any API instance.
 *
 * <p><b>Keys.</b> {@value #SEEN}: a sorted set, session id → epoch millis of the last request any edge
 * served for it (or of its last start). {@value #ACCOUNT_PREFIX}{@code {account}}: a sorted set per
 * account, session id → epoch millis of its first start; it lives as long as a playback can
 * ({@code retention}), renewed at each start. Neither holds a token or a URL: session ids are no
 * secret (they are readable in every access token).
 *
 * <p><b>Edges never wait on Redis.</b> {@link #seen} writes to memory; once a
 * {@linkplain #FLUSH_PERIOD second} a background thread sends the sessions marked since the last time
 * in one {@code ZADD GT} and trims marks older than the idle window ({@code ZREMRANGEBYSCORE}).
 *
 * <p><b>Starts</b> (a worker thread, never an event loop) read the account's sessions and their marks
 * and decide with the one {@link StreamLimit} rule, inside {@code WATCH}/{@code MULTI}/{@code EXEC} on
 * the account's key: two starts of one account on two instances at the same moment cannot both take
 * the last slot (the second one's transaction fails and it decides again).
 *
 * <p><b>Redis away.</b> Nothing fails: marks stay in memory, and a start is decided on what this
 * instance knows ({@link InMemoryPlaybackActivity}: the sessions started through this API and served
 * by this edge), logged once when it happens and once when Redis is back.
 */
public final class RedisPlaybackActivity implements PlaybackActivity {
  /** The sorted set of the sessions' last marks. */
  public static final String SEEN = "keycard:playback:seen";
  /** The prefix of an account's sorted set of sessions. */
  public static final String ACCOUNT_PREFIX = "keycard:playback:account:";
  static final Duration FLUSH_PERIOD = Duration.ofSeconds(1);
  private static final int ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(RedisPlaybackActivity.class);

  private final RedisConnections redis;
  private final StreamLimit limit;
  private final Duration retention;
  private final InstantSource clock;
  private final InMemoryPlaybackActivity local;
  /** Marks not yet sent: session id → epoch millis. */
  private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;
  private final AtomicBoolean down = new AtomicBoolean(false);
  private volatile StatefulRedisConnection<String, String> marks;
  /** Starts only: a transaction holds the connection from WATCH to EXEC; guarded by {@code this}. */
  private StatefulRedisConnection<String, String> starts;
  private volatile boolean closed;

  private RedisPlaybackActivity(RedisEndpoint endpoint, StreamLimit limit, Duration retention, InstantSource clock,
      Duration reconnectAtMost) {
    this.redis = new RedisConnections(endpoint, reconnectAtMost);
    this.limit = Objects.requireNonNull(limit, "limit");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.local = new InMemoryPlaybackActivity(limit, clock);
    this.flusher = RedisConnections.backgroundThread("keycard-playback-marks");
  }

  /**
   * Activity on the Redis at {@code endpoint}. Tries to connect now (about a second at most), then
   * again at each flush while it is away; never throws because Redis is away.
   *
   * @param retention how long an account's sessions are kept after its last start: the longest a
   *                  playback lasts (ticket life plus playback-session life)
   */
  public static RedisPlaybackActivity open(RedisEndpoint endpoint, StreamLimit limit, Duration retention,
      InstantSource clock, Duration reconnectAtMost) {
    RedisPlaybackActivity activity = new RedisPlaybackActivity(endpoint, limit, retention, clock, reconnectAtMost);
    activity.connect();
    activity.flusher.scheduleWithFixedDelay(activity::flushQuietly, FLUSH_PERIOD.toMillis(), FLUSH_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    return activity;
  }

  @Override
  public void seen(String sessionId) {
    local.seen(sessionId);
    pending.put(sessionId, clock.millis());
  }

  @Override
  public int activeSessions() {
    return local.activeSessions();
  }

  @Override
  public void prune() {
    local.prune();
    // Marks that could not be sent (Redis away) no longer matter once idle for the window.
    long since = clock.millis() - limit.idleWindow().toMillis();
    pending.values().removeIf(ms -> ms < since);
  }

  @Override
  public synchronized Admission admit(String account, String sessionId) {
    StatefulRedisConnection<String, String> connection = starts;
    if (connection != null && connection.isOpen()) {
      try {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
          Admission admission = admitOnce(connection.sync(), account, sessionId);
          if (admission != null) {
            up();
            return admission;
          }
        }
        log.warn("stream start: the account's sessions changed {} times while deciding; deciding on this "
            + "instance's knowledge", ATTEMPTS);
      } catch (RedisException e) {
        lost(e);
        try {
          connection.sync().discard();
        } catch (RuntimeException ignored) {
          // no transaction open, or the connection is gone: nothing to undo
        }
      }
    } else {
      lost(null);
    }
    return local.admit(account, sessionId);
  }

  /** One optimistic attempt: the decision, or {@code null} when another start changed the account meanwhile. */
  private Admission admitOnce(RedisCommands<String, String> redis, String account, String sessionId) {
    String key = ACCOUNT_PREFIX + account;
    Instant now = clock.instant();
    redis.watch(key);
    List<ScoredValue<String>> started = redis.zrangeWithScores(key, 0, -1);
    List<PlaybackSession> sessions = new ArrayList<>(started.size());
    if (!started.isEmpty()) {
      String[] ids = started.stream().map(ScoredValue::getValue).toArray(String[]::new);
      List<Double> marks = redis.zmscore(SEEN, ids);
      for (int i = 0; i < ids.length; i++) {
        Instant first = Instant.ofEpochMilli((long) started.get(i).getScore());
        Instant last = latest(first, marks.get(i), local.lastSeen(ids[i]));
        sessions.add(new PlaybackSession(ids[i], first, last));
      }
    }
    Admission admission = limit.admit(sessionId, sessions, now);
    if (!(admission instanceof Admission.Admitted admitted)) {
      redis.unwatch();
      return admission;
    }
    List<String> gone = new ArrayList<>(admitted.evicted());
    for (PlaybackSession s : sessions) {
      if (!limit.isActive(s, now)) {
        gone.add(s.id());
      }
    }
    redis.multi();
    redis.zadd(key, ZAddArgs.Builder.nx(), now.toEpochMilli(), sessionId);
    if (!gone.isEmpty()) {
      redis.zrem(key, gone.toArray(String[]::new));
    }
    redis.pexpire(key, retention.toMillis());
    redis.zadd(SEEN, ZAddArgs.Builder.gt(), now.toEpochMilli(), sessionId);
    if (!admitted.evicted().isEmpty()) {
      redis.zrem(SEEN, admitted.evicted().toArray(String[]::new));
    }
    TransactionResult result = redis.exec();
    if (result.wasDiscarded()) {
      return null;
    }
    local.record(account, sessionId, admitted.evicted(), now);
    return admission;
  }

  private static Instant latest(Instant first, Double mark, Instant localMark) {
    Instant last = first;
    if (mark != null && mark > last.toEpochMilli()) {
      last = Instant.ofEpochMilli(mark.longValue());
    }
    return localMark != null && localMark.isAfter(last) ? localMark : last;
  }

  /**
   * Sends the marks noted since the last flush and trims the stale ones; returns when Redis has them.
   * The background thread calls it every second; tests call it to not wait.
   */
  public void flush() {
    StatefulRedisConnection<String, String> connection = marks;
    if (connection == null) {
      connect();
      return;
    }
    if (!connection.isOpen()) {
      lost(null); // Lettuce reconnects by itself; the marks wait in memory meanwhile
      return;
    }
    List<ScoredValue<String>> batch = new ArrayList<>();
    for (Map.Entry<String, Long> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        batch.add(ScoredValue.just(e.getValue(), e.getKey()));
      }
    }
    try {
      RedisCommands<String, String> sync = connection.sync();
      if (!batch.isEmpty()) {
        @SuppressWarnings("unchecked")
        ScoredValue<String>[] values = batch.toArray(ScoredValue[]::new);
        sync.zadd(SEEN, ZAddArgs.Builder.gt(), values);
      }
      sync.zremrangebyscore(SEEN, Range.create(Double.NEGATIVE_INFINITY,
          (double) (clock.millis() - limit.idleWindow().toMillis() - FLUSH_PERIOD.toMillis())));
      up();
    } catch (RedisException e) {
      // The marks stay in this instance's memory; the players' next requests mark them again.
      lost(e);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("playback marks: flush failed: {}", e.getClass().getSimpleName());
    }
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    try {
      if (marks == null) {
        marks = redis.client().connect();
      }
      if (starts == null) {
        starts = redis.client().connect();
      }
    } catch (RedisException e) {
      lost(e);
      return;
    }
    up();
  }

  private void up() {
    if (down.compareAndSet(true, false)) {
      log.info("concurrent-stream limit: Redis is back ({}); sessions are counted across instances again",
          redis.endpoint().where());
    }
  }

  private void lost(RuntimeException e) {
    if (!closed && down.compareAndSet(false, true)) {
      log.warn("concurrent-stream limit: Redis unreachable ({}{}); counting only the sessions this instance "
          + "started and served until it is back", redis.endpoint().where(),
          e == null ? "" : ": " + e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    closed = true;
    flusher.shutdownNow();
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisPlaybackActivity[" + redis.endpoint().where() + "]";
  }
}
