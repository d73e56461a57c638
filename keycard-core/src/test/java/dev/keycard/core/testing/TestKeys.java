package dev.keycard.core.testing;

import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** One key per algorithm, made once per test JVM (RSA generation is slow). */
public final class TestKeys {
  private static final Map<SigningAlgorithm, SigningKey> KEYS = new EnumMap<>(SigningAlgorithm.class);
  private static final KeyGenerator GENERATOR = new KeyGenerator(new SecureRandom());

  private TestKeys() {}

  public static synchronized SigningKey of(SigningAlgorithm algorithm) {
    return KEYS.computeIfAbsent(algorithm, a -> GENERATOR.generate(a, Instant.parse("2026-01-01T00:00:00Z")));
  }

  /** A fresh key, not shared with other tests. */
  public static SigningKey fresh(SigningAlgorithm algorithm, Instant createdAt) {
    return GENERATOR.generate(algorithm, createdAt);
  }
}
