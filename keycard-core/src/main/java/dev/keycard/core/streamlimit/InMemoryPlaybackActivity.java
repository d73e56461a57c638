package dev.keycard.core.streamlimit;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link PlaybackActivity} in this process: right when the API and the edge run in one process (the
 * embedded default), and what the Redis backend falls back on while Redis is away. Edge marks are one
 * map write; starts take a lock (not the hot path). Memory: one entry per session active within the
 * idle window, pruned by {@link #prune()}.
 */
public final class InMemoryPlaybackActivity implements PlaybackActivity {
  private record Start(Instant first, Instant last) {}

  private final StreamLimit limit;
  private final InstantSource clock;
  /** Session id → epoch millis of the last request this instance's edge served for it. */
  private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
  /** Account → its sessions' starts; guarded by {@code this}. */
  private final Map<String, Map<String, Start>> starts = new HashMap<>();

  public InMemoryPlaybackActivity(StreamLimit limit, InstantSource clock) {
    this.limit = Objects.requireNonNull(limit, "limit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void seen(String sessionId) {
    seen.put(sessionId, clock.millis());
  }

  /** When this instance's edge last served {@code sessionId}, or {@code null}. */
  public Instant lastSeen(String sessionId) {
    Long ms = seen.get(sessionId);
    return ms == null ? null : Instant.ofEpochMilli(ms);
  }

  @Override
  public synchronized Admission admit(String account, String sessionId) {
    Instant now = clock.instant();
    Admission admission = limit.admit(sessionId, sessionsOf(account), now);
    if (admission instanceof Admission.Admitted admitted) {
      record(account, sessionId, admitted.evicted(), now);
    }
    return admission;
  }

  /**
   * Notes a start another backend admitted (the Redis one, which keeps this copy for when Redis is
   * away), with the sessions it evicted.
   */
  public synchronized void record(String account, String sessionId, List<String> evicted, Instant now) {
    Map<String, Start> mine = starts.computeIfAbsent(account, a -> new LinkedHashMap<>());
    Start before = mine.get(sessionId);
    mine.put(sessionId, new Start(before == null ? now : before.first(), now));
    for (String id : evicted) {
      mine.remove(id);
      seen.remove(id);
    }
  }

  private List<PlaybackSession> sessionsOf(String account) {
    Map<String, Start> mine = starts.getOrDefault(account, Map.of());
    List<PlaybackSession> sessions = new ArrayList<>(mine.size());
    mine.forEach((id, start) -> {
      Instant edge = lastSeen(id);
      sessions.add(new PlaybackSession(id, start.first(),
          edge != null && edge.isAfter(start.last()) ? edge : start.last()));
    });
    return sessions;
  }

  @Override
  public int activeSessions() {
    long since = clock.millis() - limit.idleWindow().toMillis();
    int n = 0;
    for (long ms : seen.values()) {
      if (ms >= since) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void prune() {
    Instant now = clock.instant();
    long since = now.toEpochMilli() - limit.idleWindow().toMillis();
    seen.values().removeIf(ms -> ms < since);
    synchronized (this) {
      for (var it = starts.entrySet().iterator(); it.hasNext(); ) {
        var account = it.next();
        List<PlaybackSession> sessions = sessionsOf(account.getKey());
        for (PlaybackSession s : sessions) {
          if (!limit.isActive(s, now)) {
            account.getValue().remove(s.id());
          }
        }
        if (account.getValue().isEmpty()) {
          it.remove();
        }
      }
    }
  }
}
