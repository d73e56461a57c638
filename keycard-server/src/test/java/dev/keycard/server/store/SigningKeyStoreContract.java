package dev.keycard.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every {@link SigningKeyStore} must do. */
public abstract class SigningKeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final KeyGenerator GENERATOR = new KeyGenerator(new SecureRandom());
  private SigningKeyStore store;

  protected abstract SigningKeyStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void keyRoundTripsWithItsPrivatePart(SigningAlgorithm algorithm) {
    SigningKey key = GENERATOR.generate(algorithm, T0);
    store.add(key);
    SigningKey back = store.all().getFirst();
    assertThat(back.kid()).isEqualTo(key.kid());
    assertThat(back.algorithm()).isEqualTo(algorithm);
    assertThat(back.jwk().isPrivate()).isTrue();
    assertThat(back.jwk()).isEqualTo(key.jwk());
    assertThat(back.createdAt()).isEqualTo(T0);
    assertThat(back.retired()).isFalse();
  }

  @Test
  void retireMarksTheKeyAndDeleteRemovesIt() {
    SigningKey key = GENERATOR.generate(SigningAlgorithm.ES256, T0);
    store.add(key);
    store.retire(key.kid(), T0.plusSeconds(10));
    assertThat(store.all().getFirst().retiredAt()).isEqualTo(T0.plusSeconds(10));
    store.delete(key.kid());
    assertThat(store.all()).isEmpty();
  }
}
