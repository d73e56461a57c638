package dev.keycard.server.edge;

import dev.keycard.core.revocation.Denylist;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A denylist whose entries last at least as long as a playback URL can. The authorization server
 * keeps a revoked session only until its last access token would have expired; the URLs of a
 * playback session (a ticket of up to 10 minutes, then media playlist URLs living the playback
 * session's length, hours) outlive that, and the edge must keep refusing them. Entries are ids, so
 * keeping them longer costs a few bytes each.
 */
public final class PlaybackDenylist implements Denylist, RevokedSessions {
  private final Denylist delegate;
  private final InstantSource clock;
  private final Duration horizon;

  /** @param horizon the longest a playback URL lives after the session that got it was revoked */
  public PlaybackDenylist(Denylist delegate, InstantSource clock, Duration horizon) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.horizon = Objects.requireNonNull(horizon, "horizon");
  }

  @Override
  public boolean isRevoked(String id) {
    return delegate.isRevoked(id);
  }

  @Override
  public void revoke(String id, Instant until) {
    Instant playbackEnd = clock.instant().plus(horizon);
    delegate.revoke(id, until.isAfter(playbackEnd) ? until : playbackEnd);
  }
}
