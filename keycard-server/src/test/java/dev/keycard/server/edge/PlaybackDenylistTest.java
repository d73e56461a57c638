package dev.keycard.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Revoked sessions stay refused at least as long as a playback URL can live. */
class PlaybackDenylistTest {
  private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final PlaybackDenylist denylist =
      new PlaybackDenylist(new InMemoryDenylist(clock), clock, Duration.ofMinutes(12));

  @Test
  void keepsShortRevocationsUntilTheLastPlaybackUrlExpired() {
    denylist.revoke("family-1", T0.plusSeconds(60));

    clock.advance(Duration.ofMinutes(11));
    assertThat(denylist.isRevoked("family-1")).isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(denylist.isRevoked("family-1")).isFalse();
  }

  @Test
  void keepsLongerRevocationsAsLongAsAsked() {
    denylist.revoke("jti-1", T0.plus(Duration.ofHours(1)));

    clock.advance(Duration.ofMinutes(59));
    assertThat(denylist.isRevoked("jti-1")).isTrue();
  }
}
