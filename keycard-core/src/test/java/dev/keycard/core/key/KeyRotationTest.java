package dev.keycard.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.InMemorySigningKeyStore;
import dev.keycard.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyRotationTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();
  private final KeyRotation rotation = new KeyRotation(store, new KeyGenerator(new SecureRandom()), clock,
      Duration.ofMinutes(15).plusSeconds(30));

  @Test
  void firstStartMakesOneSigner() {
    KeyRing ring = rotation.ensureSigner(SigningAlgorithm.ES256);
    assertThat(ring.keys()).hasSize(1);
    assertThat(rotation.ensureSigner(SigningAlgorithm.ES256).signer().kid()).isEqualTo(ring.signer().kid());
  }

  @Test
  void rotationKeepsOldKeyPublishedUntilItsTokensExpire() {
    String old = rotation.ensureSigner(SigningAlgorithm.ES256).signer().kid();
    SigningKey next = rotation.rotate(SigningAlgorithm.ES256);

    KeyRing ring = rotation.ring();
    assertThat(ring.signer().kid()).isEqualTo(next.kid());
    assertThat(ring.verificationKey(old)).isNotNull();
    assertThat(ring.publicJwksJson()).contains(old).contains(next.kid());

    clock.advance(Duration.ofMinutes(15).plusSeconds(31));
    assertThat(rotation.ring().verificationKey(old)).isNull();
    assertThat(rotation.ring().publicJwksJson()).doesNotContain(old);
  }

  @Test
  void jwksNeverContainsPrivateOrSecretParts() {
    rotation.ensureSigner(SigningAlgorithm.RS256);
    rotation.rotate(SigningAlgorithm.EdDSA);
    SigningKey hmac = KeyGenerator.hmacKey(new byte[32], clock.instant());
    KeyRing ring = rotation.ringWithHmacSigner(hmac, java.util.List.of());

    String jwks = ring.publicJwksJson();
    assertThat(jwks).doesNotContain("\"d\"").doesNotContain("\"p\"").doesNotContain("\"q\"")
        .doesNotContain("\"k\"").doesNotContain(hmac.kid());
  }

  @Test
  void changingAlgorithmRetiresTheOldSignerButKeepsItVerifying() {
    String rsa = rotation.ensureSigner(SigningAlgorithm.RS256).signer().kid();
    KeyRing ring = rotation.ensureSigner(SigningAlgorithm.EdDSA);
    assertThat(ring.signer().algorithm()).isEqualTo(SigningAlgorithm.EdDSA);
    assertThat(ring.verificationKey(rsa)).isNotNull();
  }
}
