package dev.keycard.core.streamlimit;

/**
 * Where an edge notes that it served a request of a playback session. Called for every served edge
 * request, on the event loop: implementations only write to memory.
 */
@FunctionalInterface
public interface PlaybackMarks {
  /** Notes nothing: no limit and no viewer count. */
  PlaybackMarks NONE = sessionId -> { };

  void seen(String sessionId);
}
