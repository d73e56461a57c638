package dev.keycard.core.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What this process has seen of each login session ({@code sid}): when it was last used, from which
 * address, and which streams it started. Kept in memory only, bounded and forgotten after the
 * refresh idle lifetime without use (a session idle that long cannot be refreshed any more), so
 * recording a use is a cache hit and one write, cheap enough for the event loop after every bearer
 * check; nothing is written to a store per request. Each instance knows the uses it served.
 */
public final class SessionActivity {
  /** A session started more streams than this at once is shown with its latest ones. */
  static final int MAX_STREAMS_PER_SESSION = 16;
  /** Uses closer together than this, from one address, are recorded once. */
  private static final long RESOLUTION_MILLIS = 1_000;

  private final InstantSource clock;
  private final Cache<String, Entry> sessions;
  private final long idleMillis;

  /**
   * @param idle        a session not used for this long is forgotten (the refresh idle lifetime)
   * @param maxSessions how many sessions are remembered at most; the least recently used go first
   */
  public SessionActivity(InstantSource clock, Duration idle, long maxSessions) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (idle.isNegative() || idle.isZero() || maxSessions < 1) {
      throw new IllegalArgumentException("idle must be positive and maxSessions at least 1");
    }
    this.idleMillis = idle.toMillis();
    // Bounded by size only: an expiring Caffeine cache reads its ticker (the clock, ~30 ns here) on
    // every lookup, and this one is looked up on every bearer check. Idleness is judged from the
    // entry's own last touch instead: by of() at once, and by prune() to free the memory.
    this.sessions = Caffeine.newBuilder()
        .executor(Runnable::run) // maintenance on the caller, as in VerifiedTokenCache
        .maximumSize(maxSessions)
        .build();
  }

  /**
   * Records a use of session {@code sessionId} from {@code clientIp} now. A use within a second of the
   * recorded one, from the same address, changes nothing: the common case (a player polling) is then
   * a read, and shows the same to the second.
   */
  public void used(String sessionId, String clientIp) {
    used(sessionId, null, clientIp);
  }

  /** {@link #used(String, String)}, remembering whose session it is ({@code subject}) for {@link #recent}. */
  public void used(String sessionId, String subject, String clientIp) {
    long now = clock.millis();
    Entry entry = sessions.get(sessionId, k -> new Entry());
    if (entry.subject == null && subject != null) {
      entry.subject = subject; // a session's subject never changes: written once, read by the operator view
    }
    Use last = entry.lastUse;
    if (last == null || now - last.atMillis() >= RESOLUTION_MILLIS || !Objects.equals(last.clientIp(), clientIp)) {
      // Two event loops may record the same session at once: the last write wins, and both are "now".
      entry.lastUse = new Use(now, clientIp);
      entry.touchedMillis = now;
    }
  }

  /**
   * Records that session {@code sessionId} started {@code streamId}, whose playback can go on until
   * {@code liveUntil} (the playback session's end at the latest).
   */
  public void streamStarted(String sessionId, String streamId, Instant liveUntil) {
    Entry entry = sessions.get(sessionId, k -> new Entry());
    Instant now = clock.instant();
    entry.touchedMillis = now.toEpochMilli();
    synchronized (entry) {
      entry.streams.removeIf(s -> !s.liveUntil().isAfter(now) || s.streamId().equals(streamId));
      if (entry.streams.size() >= MAX_STREAMS_PER_SESSION) {
        entry.streams.removeFirst();
      }
      entry.streams.addLast(new ActiveStream(streamId, now, liveUntil));
    }
  }

  /** Longer {@code User-Agent} values are cut: enough to tell a browser and a system apart. */
  static final int MAX_DEVICE_LENGTH = 200;

  /**
   * Records the device a session signed in or refreshed from (its {@code User-Agent}), shown in the
   * session lists so a person can tell their sessions apart. Called by the login and refresh
   * endpoints, never per request.
   */
  public void signedInFrom(String sessionId, String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return;
    }
    Entry entry = sessions.get(sessionId, k -> new Entry());
    entry.device = userAgent.length() > MAX_DEVICE_LENGTH ? userAgent.substring(0, MAX_DEVICE_LENGTH) : userAgent;
    entry.touchedMillis = clock.millis();
  }

  /** What this process saw of the session, or empty when it saw nothing (or forgot it). */
  public Optional<Seen> of(String sessionId) {
    Entry entry = sessions.getIfPresent(sessionId);
    Instant now = clock.instant();
    if (entry == null || idle(entry, now.toEpochMilli())) {
      return Optional.empty();
    }
    List<ActiveStream> live;
    synchronized (entry) {
      live = entry.streams.stream().filter(s -> s.liveUntil().isAfter(now)).toList();
    }
    Use use = entry.lastUse;
    return Optional.of(new Seen(use == null ? null : Instant.ofEpochMilli(use.atMillis()),
        use == null ? null : use.clientIp(), live, entry.device));
  }

  /**
   * The sessions used within {@code window}, most recent first, at most {@code max} of them, and how
   * many there are in all: the operator's view of who is on now. Walks every session held, so it is
   * for an occasional admin request, never a per-request path.
   */
  public Recent recent(Duration window, int max) {
    long now = clock.millis();
    long since = now - window.toMillis();
    Instant nowInstant = Instant.ofEpochMilli(now);
    List<RecentSession> all = new ArrayList<>();
    Map<String, Integer> watching = new TreeMap<>();
    sessions.asMap().forEach((id, entry) -> {
      if (idle(entry, now)) {
        return;
      }
      List<ActiveStream> live;
      synchronized (entry) {
        live = entry.streams.stream().filter(st -> st.liveUntil().isAfter(nowInstant)).toList();
      }
      live.forEach(st -> watching.merge(st.streamId(), 1, Integer::sum));
      Use use = entry.lastUse;
      if (use != null && use.atMillis() >= since) {
        all.add(new RecentSession(id, entry.subject,
            new Seen(Instant.ofEpochMilli(use.atMillis()), use.clientIp(), live, entry.device)));
      }
    });
    all.sort(Comparator.comparing((RecentSession r) -> r.seen().lastUsed()).reversed());
    return new Recent(all.size(), all.subList(0, Math.min(max, all.size())), watching);
  }

  /**
   * @param active        how many sessions were used within the window
   * @param sessions      the most recently used of them
   * @param streamViewers per stream id, the sessions whose playback of it may still be going on
   */
  public record Recent(int active, List<RecentSession> sessions, Map<String, Integer> streamViewers) {
    public Recent {
      sessions = List.copyOf(sessions);
      streamViewers = Map.copyOf(streamViewers);
    }
  }

  /** @param subject whose session it is, or {@code null} when it was only seen at the edge */
  public record RecentSession(String sessionId, String subject, Seen seen) {}

  /**
   * Drops the sessions unused for the idle lifetime, so memory follows the sessions in use; the
   * server's maintenance job calls it every few seconds. Until then they are already invisible to
   * {@link #of}.
   */
  public void prune() {
    long now = clock.millis();
    sessions.asMap().values().removeIf(entry -> idle(entry, now));
  }

  /** How many sessions are held in memory, idle ones not yet pruned included. */
  long remembered() {
    return sessions.estimatedSize();
  }

  private boolean idle(Entry entry, long nowMillis) {
    return nowMillis - entry.touchedMillis >= idleMillis;
  }

  /** Forgets a session (it was revoked). */
  public void forget(String sessionId) {
    sessions.invalidate(sessionId);
  }

  /**
   * @param lastUsed      the last bearer check that passed with one of its access tokens, or {@code null}
   * @param lastClientIp  the address of that request, or {@code null}
   * @param activeStreams streams started in the session whose playback session may still be going on
   * @param device        the {@code User-Agent} it signed in or last refreshed with, or {@code null}
   */
  public record Seen(Instant lastUsed, String lastClientIp, List<ActiveStream> activeStreams, String device) {
    public Seen {
      activeStreams = List.copyOf(activeStreams);
    }
  }

  /** A stream start in a session: the playback it opened may run until {@code liveUntil}. */
  public record ActiveStream(String streamId, Instant startedAt, Instant liveUntil) {}

  private record Use(long atMillis, String clientIp) {}

  private static final class Entry {
    volatile Use lastUse;
    volatile String subject;
    volatile String device;
    /** The last use or stream start: the idle lifetime runs from here. */
    volatile long touchedMillis;
    final ArrayDeque<ActiveStream> streams = new ArrayDeque<>(2);
  }
}
