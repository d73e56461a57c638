package dev.keycard.core.key;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;

/**
 * One key of the ring, private part included.
 *
 * @param kid       the key id put in every token's header
 * @param algorithm the only algorithm this key may be used with (no HS/RS confusion)
 * @param jwk       the key with its private or secret part
 * @param createdAt when it was made
 * @param retiredAt when it stopped signing ({@code null} while it is the signer or still waiting to
 *                  be); its public part stays published until every token it signed has expired
 */
public record SigningKey(String kid, SigningAlgorithm algorithm, JWK jwk, Instant createdAt, Instant retiredAt) {
  public SigningKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(jwk, "jwk");
    Objects.requireNonNull(createdAt, "createdAt");
    if (!kid.equals(jwk.getKeyID())) {
      throw new IllegalArgumentException("kid does not match the JWK's kid");
    }
  }

  public SigningKey retire(Instant at) {
    return new SigningKey(kid, algorithm, jwk, createdAt, at);
  }

  public boolean retired() {
    return retiredAt != null;
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", alg=" + algorithm + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
  }
}
