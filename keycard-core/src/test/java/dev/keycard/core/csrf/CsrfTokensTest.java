package dev.keycard.core.csrf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CsrfTokensTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AtomicReference<UrlSigningKeys> keys = new AtomicReference<>(UrlSigningKeys.of(key("k1")));
  private final CsrfTokens csrf = new CsrfTokens(keys::get);

  @Test
  void aTokenMatchesTheSessionItWasIssuedFor() {
    String token = csrf.issue("session-a");
    assertThat(token).startsWith("k1.").matches("[A-Za-z0-9._-]+");
    assertThat(csrf.matches("session-a", token)).isTrue();
  }

  @Test
  void aTokenOfAnotherSessionIsRefused() {
    assertThat(csrf.matches("session-b", csrf.issue("session-a"))).isFalse();
  }

  @Test
  void aTokenKeepsMatchingAfterARotationWhileItsKeyStillVerifies() {
    String before = csrf.issue("session-a");
    keys.set(keys.get().rotateTo(key("k2")));
    assertThat(csrf.matches("session-a", before)).isTrue();
    assertThat(csrf.issue("session-a")).startsWith("k2.");

    keys.set(keys.get().retire("k1"));
    assertThat(csrf.matches("session-a", before)).isFalse();
  }

  @Test
  void aTokenFromAnotherDeploymentWithTheSameKeyIdIsRefused() {
    String foreign = new CsrfTokens(() -> UrlSigningKeys.of(key("k1"))).issue("session-a");
    assertThat(csrf.matches("session-a", foreign)).isFalse();
  }

  @Test
  void malformedOrMissingTokensAreRefusedWithoutAnException() {
    String good = csrf.issue("session-a");
    for (String bad : new String[] {null, "", ".", "k1.", "k1", ".abc", "k1.***", "unknown." + good.substring(3),
        good + "A", good.substring(0, good.length() - 1), "k1." + "A".repeat(200)}) {
      assertThat(csrf.matches("session-a", bad)).as(String.valueOf(bad)).isFalse();
    }
    assertThat(csrf.matches(null, good)).isFalse();
  }

  @Test
  void theMacIsNotMadeWithTheUrlSigningKeyItself() throws Exception {
    // A key derived per purpose: a MAC made for a signed URL never serves as a CSRF token, nor the reverse.
    UrlSigningKey k1 = keys.get().current();
    Mac plain = Mac.getInstance("HmacSHA256");
    plain.init(new SecretKeySpec(k1.secret(), "HmacSHA256"));
    String sameKeyMac = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(plain.doFinal("session-a".getBytes(StandardCharsets.UTF_8)));
    assertThat(csrf.issue("session-a")).isNotEqualTo("k1." + sameKeyMac);
    assertThat(csrf.matches("session-a", "k1." + sameKeyMac)).isFalse();
  }

  private static UrlSigningKey key(String id) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new UrlSigningKey(id, secret);
  }
}
