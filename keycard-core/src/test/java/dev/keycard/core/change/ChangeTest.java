package dev.keycard.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.change.Change.Reload;
import dev.keycard.core.change.Change.Revoked;
import org.junit.jupiter.api.Test;

class ChangeTest {

  @Test
  void everyChangeSurvivesItsEncoding() {
    assertThat(Change.parse(new Revoked(0).encode())).contains(new Revoked(0));
    assertThat(Change.parse(new Revoked(Long.MAX_VALUE).encode())).contains(new Revoked(Long.MAX_VALUE));
    assertThat(Change.parse(new Revoked(7, 1_767_225_600_123L).encode())).contains(new Revoked(7, 1_767_225_600_123L));
    for (Reload reload : Reload.values()) {
      assertThat(Change.parse(reload.encode())).contains(reload);
    }
  }

  @Test
  void aRevocationMessageCarriesItsSequenceOnly() {
    assertThat(new Revoked(42).encode()).isEqualTo("revoked:42");
    // With the time it was saved (epoch ms), for the receivers' propagation-delay histogram.
    assertThat(new Revoked(42, 1_767_225_600_123L).encode()).isEqualTo("revoked:42@1767225600123");
    assertThat(Reload.SIGNING_KEYS.encode()).isEqualTo("signing-keys");
  }

  @Test
  void parseWhenMessageUnknownOrMalformedThenEmpty() {
    assertThat(Change.parse(null)).isEmpty();
    assertThat(Change.parse("")).isEmpty();
    assertThat(Change.parse("revoked:42@")).isEmpty();
    assertThat(Change.parse("revoked:@5")).isEmpty();
    assertThat(Change.parse("revoked:42@5@6")).isEmpty();
    assertThat(Change.parse("revoked:42@-5")).isEmpty();
    assertThat(Change.parse("revoked:")).isEmpty();
    assertThat(Change.parse("revoked:-1")).isEmpty();
    assertThat(Change.parse("revoked:12a")).isEmpty();
    assertThat(Change.parse("revoked:99999999999999999999")).isEmpty();
    assertThat(Change.parse("rate-limits")).isEmpty();
    assertThat(Change.parse("STREAMS")).isEmpty();
  }

  @Test
  void revokedWhenSequenceNegativeThenRefused() {
    assertThatThrownBy(() -> new Revoked(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
