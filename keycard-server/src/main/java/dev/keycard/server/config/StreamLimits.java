package dev.keycard.server.config;

import dev.keycard.core.streamlimit.StreamLimit;
import dev.keycard.core.streamlimit.StreamLimitPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The concurrent-stream limit ({@code --max-concurrent-streams}, {@code --stream-limit-policy},
 * {@code --stream-idle-window}): how many playback sessions one account may have active at once.
 *
 * @param maxConcurrentStreams at most this many per account; 0 (the default): no limit
 * @param policy               what a start beyond it gets: refused, or the oldest session revoked
 * @param idleWindow           how long a session counts after its last start or edge request, 5 s to 10 min
 */
public record StreamLimits(int maxConcurrentStreams, StreamLimitPolicy policy, Duration idleWindow) {
  static final Duration MIN_IDLE_WINDOW = Duration.ofSeconds(5);
  static final Duration MAX_IDLE_WINDOW = Duration.ofMinutes(10);

  public StreamLimits {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(idleWindow, "idleWindow");
    if (maxConcurrentStreams < 0 || maxConcurrentStreams > 1000) {
      throw new IllegalArgumentException("--max-concurrent-streams must be between 0 (no limit) and 1000");
    }
    if (idleWindow.compareTo(MIN_IDLE_WINDOW) < 0 || idleWindow.compareTo(MAX_IDLE_WINDOW) > 0) {
      throw new IllegalArgumentException("--stream-idle-window must be between 5s and 10m");
    }
  }

  /**
   * No limit; a session idle for 30 s is over: players reload a live playlist every target duration
   * (2 to 10 s), and a segment URL lives three of them (at least 20 s).
   */
  public static StreamLimits defaults() {
    return new StreamLimits(0, StreamLimitPolicy.REFUSE, Duration.ofSeconds(30));
  }

  public boolean enabled() {
    return maxConcurrentStreams > 0;
  }

  /** The rule these settings make. */
  public StreamLimit rule() {
    return new StreamLimit(maxConcurrentStreams, policy, idleWindow);
  }
}
