package dev.keycard.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.testing.InMemoryStreamKeyStore;
import dev.keycard.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamKeysTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryStreamKeyStore store = new InMemoryStreamKeyStore();
  private final StreamKeys keys = new StreamKeys(store, new SecureRandom(), clock);

  @Test
  void issueWhenCalledThenKeyIsPrefixed256BitsAndStoredAsHashOnly() {
    IssuedStreamKey issued = keys.issue("cam1");

    assertThat(issued.secret()).startsWith("kcsk_").hasSize(5 + 43);
    assertThat(StreamKeys.isWellFormed(issued.secret())).isTrue();
    assertThat(StreamKeys.isKeyId(issued.key().keyId())).isTrue();
    assertThat(issued.key().hash()).isEqualTo(Secrets.hash(issued.secret())).doesNotContain(issued.secret());
    assertThat(issued.key().createdAt()).isEqualTo(clock.instant());
    assertThat(issued.key().revokedAt()).isNull();
    assertThat(issued.toString()).doesNotContain(issued.secret());
    assertThat(keys.list("cam1")).containsExactly(issued.key());
  }

  @Test
  void checkWhenKeyIsTheStreamsThenValidForAsLongAsItIsNotRevoked() {
    IssuedStreamKey issued = keys.issue("cam1");
    clock.advance(Duration.ofDays(400));

    assertThat(keys.check("cam1", issued.secret())).isEqualTo(new KeyCheck.Valid(issued.key()));
  }

  @Test
  void checkWhenKeyBelongsToAnotherStreamThenRefusedAsOtherStream() {
    IssuedStreamKey other = keys.issue("cam2");

    assertThat(keys.check("cam1", other.secret())).isEqualTo(new KeyCheck.Invalid(KeyRefusal.OTHER_STREAM));
  }

  @Test
  void checkWhenKeyWasNeverIssuedThenRefusedAsUnknown() {
    keys.issue("cam1");
    String guessed = "kcsk_" + "A".repeat(43);

    assertThat(keys.check("cam1", guessed)).isEqualTo(new KeyCheck.Invalid(KeyRefusal.UNKNOWN));
  }

  @Test
  void checkWhenKeyIsMalformedThenRefusedWithoutLookingItUp() {
    String issued = keys.issue("cam1").secret();
    for (String bad : new String[] {null, "", "kcsk_", issued.substring(0, issued.length() - 1), issued + "A",
        "kcs_" + issued.substring(5), issued.replace('A', '%'), " " + issued, "Bearer " + issued}) {
      if (bad != null && bad.equals(issued)) {
        continue;
      }
      assertThat(keys.check("cam1", bad)).as(String.valueOf(bad)).isEqualTo(new KeyCheck.Invalid(KeyRefusal.MALFORMED));
    }
  }

  @Test
  void revokeWhenKeyIsRevokedThenRefusedFromThatInstantOn() {
    IssuedStreamKey issued = keys.issue("cam1");
    clock.advance(Duration.ofMinutes(5));

    assertThat(keys.revoke("cam1", issued.key().keyId())).hasValueSatisfying(
        k -> assertThat(k.revokedAt()).isEqualTo(clock.instant()));
    assertThat(keys.check("cam1", issued.secret())).isEqualTo(new KeyCheck.Invalid(KeyRefusal.REVOKED));
  }

  @Test
  void revokeWhenRepeatedThenKeepsTheFirstRevocationTime() {
    IssuedStreamKey issued = keys.issue("cam1");
    var first = keys.revoke("cam1", issued.key().keyId()).orElseThrow().revokedAt();
    clock.advance(Duration.ofMinutes(1));

    assertThat(keys.revoke("cam1", issued.key().keyId()).orElseThrow().revokedAt()).isEqualTo(first);
  }

  @Test
  void revokeWhenKeyIdUnknownOrOfAnotherStreamOrMalformedThenEmpty() {
    IssuedStreamKey other = keys.issue("cam2");

    assertThat(keys.revoke("cam1", other.key().keyId())).isEmpty();
    assertThat(keys.revoke("cam1", "0123456789ab")).isEmpty();
    assertThat(keys.revoke("cam1", "../../x")).isEmpty();
    assertThat(keys.check("cam2", other.secret())).isInstanceOf(KeyCheck.Valid.class);
  }

  @Test
  void rotateWithoutOverlapThenOldKeysStopAtOnceAndTheNewOneWorks() {
    IssuedStreamKey old1 = keys.issue("cam1");
    IssuedStreamKey old2 = keys.issue("cam1");
    IssuedStreamKey neighbour = keys.issue("cam2");

    RotatedStreamKey rotated = keys.rotate("cam1", Duration.ZERO);

    assertThat(rotated.retired()).extracting(StreamKey::keyId).containsExactlyInAnyOrder(old1.key().keyId(), old2.key().keyId());
    assertThat(keys.check("cam1", old1.secret())).isEqualTo(new KeyCheck.Invalid(KeyRefusal.REVOKED));
    assertThat(keys.check("cam1", old2.secret())).isEqualTo(new KeyCheck.Invalid(KeyRefusal.REVOKED));
    assertThat(keys.check("cam1", rotated.issued().secret())).isInstanceOf(KeyCheck.Valid.class);
    assertThat(keys.check("cam2", neighbour.secret())).isInstanceOf(KeyCheck.Valid.class);
  }

  @Test
  void rotateWithOverlapThenOldKeyWorksUntilTheOverlapEnds() {
    IssuedStreamKey old = keys.issue("cam1");

    RotatedStreamKey rotated = keys.rotate("cam1", Duration.ofMinutes(10));

    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(keys.check("cam1", old.secret())).isInstanceOf(KeyCheck.Valid.class);
    clock.advance(Duration.ofMillis(1));
    assertThat(keys.check("cam1", old.secret())).isEqualTo(new KeyCheck.Invalid(KeyRefusal.REVOKED));
    assertThat(keys.check("cam1", rotated.issued().secret())).isInstanceOf(KeyCheck.Valid.class);
  }

  @Test
  void rotateWhenAKeyIsAlreadyRevokedThenItsRevocationIsNotPostponed() {
    IssuedStreamKey old = keys.issue("cam1");
    var revokedAt = keys.revoke("cam1", old.key().keyId()).orElseThrow().revokedAt();

    RotatedStreamKey rotated = keys.rotate("cam1", Duration.ofHours(1));

    assertThat(rotated.retired()).isEmpty();
    assertThat(keys.list("cam1")).filteredOn(k -> k.keyId().equals(old.key().keyId()))
        .singleElement().extracting(StreamKey::revokedAt).isEqualTo(revokedAt);
  }

  @Test
  void rotateWhenOverlapOutOfRangeThenRefusedBeforeIssuing() {
    assertThatThrownBy(() -> keys.rotate("cam1", Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.rotate("cam1", Duration.ofHours(25))).isInstanceOf(IllegalArgumentException.class);
    assertThat(keys.list("cam1")).isEmpty();
  }
}
