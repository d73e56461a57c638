package dev.keycard.core.streamlimit;

import java.time.InstantSource;

class InMemoryPlaybackActivityTest extends PlaybackActivityContract {
  @Override
  protected PlaybackActivity create(StreamLimit limit, InstantSource clock) {
    return new InMemoryPlaybackActivity(limit, clock);
  }
}
