/**
 * The concurrent-stream limit: how many playback sessions one account may have active at once, and
 * what happens to a stream start beyond that ({@link dev.keycard.core.streamlimit.StreamLimit}, one
 * rule for every backend). {@link dev.keycard.core.streamlimit.PlaybackActivity} keeps what the rule
 * needs: which sessions each account started and when an edge last served them; in memory here
 * ({@link dev.keycard.core.streamlimit.InMemoryPlaybackActivity}), shared through Redis in
 * {@code keycard-store-redis}. No HTTP and no Redis in this package.
 */
package dev.keycard.core.streamlimit;
