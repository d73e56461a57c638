package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UrlSigningKeysTest {

  @Test
  void rejectsSecretShorterThan256Bits() {
    assertThatThrownBy(() -> new UrlSigningKey("k1", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 bits");
  }

  @Test
  void rejectsKeyIdThatCannotTravelInAUrl() {
    assertThatThrownBy(() -> new UrlSigningKey("k 1", new byte[32])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UrlSigningKey("", new byte[32])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UrlSigningKey("k\n1", new byte[32])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverShowsTheSecret() {
    byte[] secret = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    UrlSigningKey key = new UrlSigningKey("k1", secret);
    UrlSigningKeys keys = UrlSigningKeys.of(key);

    assertThat(key.toString()).isEqualTo("UrlSigningKey[keyId=k1, secret=(256 bits)]");
    assertThat(keys.toString()).doesNotContain("0011").doesNotContain("ABEiM");
  }

  @Test
  void keepsItsOwnCopyOfTheSecret() {
    byte[] secret = new byte[32];
    UrlSigningKey key = new UrlSigningKey("k1", secret);
    secret[0] = 1;
    key.secret()[1] = 1;

    assertThat(key.secret()).containsOnly(0);
  }

  @Test
  void rejectsDuplicateKeyIds() {
    assertThatThrownBy(() -> UrlSigningKeys.of(UrlTestKeys.key("k1"), UrlTestKeys.key("k1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rotationMakesTheNewKeyCurrentAndKeepsTheOld() {
    UrlSigningKeys keys = UrlSigningKeys.of(UrlTestKeys.key("k1")).rotateTo(UrlTestKeys.key("k2"));

    assertThat(keys.current().keyId()).isEqualTo("k2");
    assertThat(keys.keys()).extracting(UrlSigningKey::keyId).containsExactly("k2", "k1");
  }

  @Test
  void cannotRetireTheCurrentKey() {
    UrlSigningKeys keys = UrlSigningKeys.of(UrlTestKeys.key("k1"));

    assertThatThrownBy(() -> keys.retire("k1")).isInstanceOf(IllegalArgumentException.class);
  }
}
