package dev.keycard.core.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryDenylistTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryDenylist denylist = new InMemoryDenylist(clock);

  @Test
  void revokedIdIsRevokedUntilItsExpiry() {
    denylist.revoke("jti-1", clock.instant().plusSeconds(60));
    assertThat(denylist.isRevoked("jti-1")).isTrue();
    assertThat(denylist.isRevoked("jti-2")).isFalse();
    clock.advance(Duration.ofSeconds(60));
    assertThat(denylist.isRevoked("jti-1")).isFalse();
  }

  @Test
  void staysBoundedByForgettingExpiredEntries() {
    for (int i = 0; i < 1000; i++) {
      denylist.revoke("jti-" + i, clock.instant().plusSeconds(60));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(denylist.size()).isLessThanOrEqualTo(61);
  }
}
