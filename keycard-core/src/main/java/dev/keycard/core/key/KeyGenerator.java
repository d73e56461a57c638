package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.SecureRandom;
import java.time.Instant;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Makes new signing keys with random key ids. */
public final class KeyGenerator {
  /** RSA modulus size for new RS256 keys; RFC 7518 §3.3 requires at least 2048. */
  public static final int RSA_BITS = 2048;
  /** HS256 secrets shorter than this are refused (RFC 7518 §3.2: at least the hash output size). */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  private final SecureRandom random;

  public KeyGenerator(SecureRandom random) {
    this.random = random;
  }

  public SigningKey generate(SigningAlgorithm algorithm, Instant now) {
    String kid = newKid();
    try {
      JWK jwk = switch (algorithm) {
        case RS256 -> new RSAKeyGenerator(RSA_BITS).keyID(kid).keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm.jws()).secureRandom(random).generate();
        case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm.jws()).secureRandom(random).generate();
        case EdDSA -> {
          var priv = new Ed25519PrivateKeyParameters(random);
          yield new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(priv.generatePublicKey().getEncoded()))
              .d(Base64URL.encode(priv.getEncoded())).keyID(kid).keyUse(KeyUse.SIGNATURE)
              .algorithm(algorithm.jws()).build();
        }
        case HS256 -> {
          byte[] secret = new byte[MIN_HMAC_SECRET_BYTES];
          random.nextBytes(secret);
          yield hmacJwk(kid, secret);
        }
      };
      return new SigningKey(kid, algorithm, jwk, now, null);
    } catch (JOSEException e) {
      throw new IllegalStateException("key generation failed for " + algorithm, e);
    }
  }

  /**
   * Wraps an operator-supplied HS256 secret. Its key id is derived from the secret (a SHA-256
   * thumbprint prefix), so every instance given the same secret agrees on it without storing it.
   *
   * @throws IllegalArgumentException when the secret is shorter than 256 bits
   */
  public static SigningKey hmacKey(byte[] secret, Instant createdAt) {
    if (secret.length < MIN_HMAC_SECRET_BYTES) {
      throw new IllegalArgumentException("the HS256 secret has " + secret.length * 8
          + " bits; at least " + MIN_HMAC_SECRET_BYTES * 8 + " are required");
    }
    OctetSequenceKey withoutKid = new OctetSequenceKey.Builder(secret).build();
    String kid;
    try {
      kid = "hs-" + withoutKid.computeThumbprint().toString().substring(0, 16);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return new SigningKey(kid, SigningAlgorithm.HS256, hmacJwk(kid, secret), createdAt, null);
  }

  private static OctetSequenceKey hmacJwk(String kid, byte[] secret) {
    return new OctetSequenceKey.Builder(secret).keyID(kid).keyUse(KeyUse.SIGNATURE)
        .algorithm(SigningAlgorithm.HS256.jws()).build();
  }

  private String newKid() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return Base64URL.encode(b).toString();
  }
}
