package dev.keycard.server;

import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.core.throttle.AttemptCounters;

/**
 * What an instance shares with the other instances on the same store, beyond the store itself: all of
 * it in Redis when scaled out ({@code --redis-url}). A {@code null} component is kept in this process
 * instead, which is what the embedded default does. The server closes what it is given.
 *
 * @param feed             revocations, key rotations and new streams announced within milliseconds
 * @param playbackActivity the concurrent-stream count ({@code --max-concurrent-streams})
 * @param attempts         the counters of failed logins and client authentications
 * @param budgets          the per-token rate-limit budgets
 */
public record SharedState(ChangeFeed feed, PlaybackActivity playbackActivity, AttemptCounters attempts,
    SharedBudgets budgets) {

  public SharedState {
    feed = feed == null ? ChangeFeed.NONE : feed;
  }

  /** Nothing shared: every instance keeps its own (the catch-up from the store still reaches them). */
  public static SharedState inProcess() {
    return new SharedState(ChangeFeed.NONE, null, null, null);
  }

  /** Only the change feed shared. */
  public static SharedState feed(ChangeFeed feed) {
    return new SharedState(feed, null, null, null);
  }

  public SharedState withPlaybackActivity(PlaybackActivity value) {
    return new SharedState(feed, value, attempts, budgets);
  }

  public SharedState withAttempts(AttemptCounters value) {
    return new SharedState(feed, playbackActivity, value, budgets);
  }

  public SharedState withBudgets(SharedBudgets value) {
    return new SharedState(feed, playbackActivity, attempts, value);
  }

  /** Closes what is shared (each part's own failure to close does not stop the others). */
  public void close() {
    try {
      feed.close();
    } finally {
      try {
        if (playbackActivity != null) {
          playbackActivity.close();
        }
      } finally {
        try {
          if (attempts != null) {
            attempts.close();
          }
        } finally {
          if (budgets != null) {
            budgets.close();
          }
        }
      }
    }
  }
}
