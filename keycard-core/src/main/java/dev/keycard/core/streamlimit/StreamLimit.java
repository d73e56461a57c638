package dev.keycard.core.streamlimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The concurrent-stream rule, the one place it is written: every {@link PlaybackActivity} backend
 * gathers an account's sessions and asks {@link #admit}.
 *
 * <p>A session is <em>active</em> while it was started or served by an edge within the last
 * {@code idleWindow}: players reload a live playlist every target duration (2 to 10 s), so a session
 * not seen for longer than a few of those has stopped. A start counts at once (so two devices starting
 * together cannot both slip in before either fetched anything). The session id is the login session
 * ({@code sid}), so the same device starting again, or renewing its playback, is the same session and
 * never counts twice.
 *
 * @param maxStreams at most this many active sessions per account; 0: no limit
 * @param policy     what a start beyond it gets
 * @param idleWindow how long a session counts as active after its last start or edge request
 */
public record StreamLimit(int maxStreams, StreamLimitPolicy policy, Duration idleWindow) {
  /** No limit. */
  public static final StreamLimit OFF = new StreamLimit(0, StreamLimitPolicy.REFUSE, Duration.ofSeconds(30));
  private static final Comparator<PlaybackSession> OLDEST_FIRST =
      Comparator.comparing(PlaybackSession::started).thenComparing(PlaybackSession::id);

  public StreamLimit {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(idleWindow, "idleWindow");
    if (maxStreams < 0) {
      throw new IllegalArgumentException("the concurrent-stream limit must not be negative");
    }
    if (idleWindow.isNegative() || idleWindow.isZero()) {
      throw new IllegalArgumentException("the stream idle window must be positive");
    }
  }

  public boolean enabled() {
    return maxStreams > 0;
  }

  /** Whether {@code session} still counts at {@code now}. */
  public boolean isActive(PlaybackSession session, Instant now) {
    return !session.lastSeen().isBefore(now.minus(idleWindow));
  }

  /**
   * The answer to a start of {@code sessionId} by an account whose known sessions are {@code ofAccount}
   * (active or not; they may include {@code sessionId} itself).
   */
  public Admission admit(String sessionId, Collection<PlaybackSession> ofAccount, Instant now) {
    if (!enabled()) {
      return Admission.ADMITTED;
    }
    boolean playing = false;
    List<PlaybackSession> others = new java.util.ArrayList<>();
    for (PlaybackSession s : ofAccount) {
      if (isActive(s, now)) {
        if (s.id().equals(sessionId)) {
          playing = true;
        } else {
          others.add(s);
        }
      }
    }
    if (playing || others.size() < maxStreams) {
      return Admission.ADMITTED;
    }
    if (policy == StreamLimitPolicy.REFUSE) {
      return new Admission.Refused(others.size());
    }
    others.sort(OLDEST_FIRST);
    return new Admission.Admitted(others.subList(0, others.size() - maxStreams + 1).stream()
        .map(PlaybackSession::id).toList());
  }
}
