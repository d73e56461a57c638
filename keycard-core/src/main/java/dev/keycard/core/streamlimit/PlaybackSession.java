package dev.keycard.core.streamlimit;

import java.time.Instant;
import java.util.Objects;

/**
 * One playback session of an account, as the limit sees it.
 *
 * @param id       the session id its URLs carry ({@code sid})
 * @param started  its first stream start: what "oldest" means
 * @param lastSeen the later of its last stream start and the last request an edge served for it
 */
public record PlaybackSession(String id, Instant started, Instant lastSeen) {
  public PlaybackSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
