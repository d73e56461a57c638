package dev.keycard.core.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(new SecureRandom(), 1024, 1, 1);

  @Test
  void verifiesThePasswordItHashed() {
    String hash = hasher.hash("correct horse battery staple");
    assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", hash)).isFalse();
  }

  @Test
  void encodesOwaspParametersInPhcFormatByDefault() {
    String hash = new PasswordHasher(new SecureRandom()).hash("pw");
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
  }

  @Test
  void saltsEveryHash() {
    assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
  }

  @Test
  void verifiesHashesMadeWithOtherParameters() {
    String strong = new PasswordHasher(new SecureRandom(), 4096, 3, 1).hash("pw");
    assertThat(hasher.verify("pw", strong)).isTrue();
  }

  @Test
  void refusesHashesItCannotRead() {
    assertThat(hasher.verify("pw", "$2a$10$bcrypt")).isFalse();
    assertThat(hasher.verify("pw", null)).isFalse();
    assertThat(hasher.verify("pw", "$argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA")).isFalse();
  }
}
