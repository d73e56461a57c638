package dev.keycard.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.InMemorySigningKeyStore;
import dev.keycard.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
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

  /** Instances starting together on an empty store agree on one signer instead of making one each. */
  @RepeatedTest(3)
  void instancesStartingTogetherMakeOneSignerAndAllSignWithIt() throws Exception {
    int instances = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<Future<KeyRing>> rings = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        rings.add(pool.submit(() -> {
          go.await();
          return rotation.ensureSigner(SigningAlgorithm.ES256);
        }));
      }
      go.countDown();
      for (Future<KeyRing> ring : rings) {
        assertThat(ring.get().signer().kid()).isEqualTo(store.all().getFirst().kid());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.all()).hasSize(1);
  }

  @Test
  void rotateRetiresEveryActiveSignerInOneStep() {
    String old = rotation.ensureSigner(SigningAlgorithm.ES256).signer().kid();
    SigningKey next = rotation.rotate(SigningAlgorithm.ES256);

    assertThat(store.all()).filteredOn(k -> !k.retired()).extracting(SigningKey::kid).containsExactly(next.kid());
    assertThat(store.all()).filteredOn(SigningKey::retired).extracting(SigningKey::kid).containsExactly(old);
  }
}
