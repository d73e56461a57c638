package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a provider must get right before keycard signs with it: through the very signers and verifiers
 * a {@link KeyRing} builds, on a fresh key, it must produce signatures the JDK's implementation
 * accepts, accept the JDK's, refuse a changed message and an all-zero ECDSA signature (the
 * "psychic signature", CVE-2022-21449), and, for the deterministic algorithms (RS256's PKCS #1 v1.5,
 * Ed25519, HMAC), produce exactly the JDK's bytes. A provider that fails any of it is not used.
 */
final class ProviderSelfTest {
  private static final byte[] CLAIMS = "{\"sub\":\"keycard provider self-test\"}".getBytes(StandardCharsets.UTF_8);

  private ProviderSelfTest() {}

  /** {@code null} when {@code provider} passed for {@code algorithm}, otherwise what it got wrong. */
  static String failure(SigningAlgorithm algorithm, Provider provider) {
    try {
      SigningKey key = new KeyGenerator(new SecureRandom()).generate(algorithm, Instant.EPOCH);
      KeyRing reference = KeyRing.of(key, List.of(key), CryptoProviders.jdk());
      KeyRing candidate = KeyRing.of(key, List.of(key), CryptoProviders.of(Map.of(algorithm, provider)));
      JWSHeader header = new JWSHeader.Builder(algorithm.jws()).keyID(key.kid()).build();
      byte[] input = (header.toBase64URL() + "." + Base64URL.encode(CLAIMS)).getBytes(StandardCharsets.US_ASCII);
      JWSSigner signer = candidate.jwsSigner();
      JWSVerifier verifier = candidate.verificationKey(key.kid()).verifier();

      Base64URL byCandidate = signer.sign(header, input);
      Base64URL byReference = reference.jwsSigner().sign(header, input);
      if (algorithm != SigningAlgorithm.ES256 && !byCandidate.equals(byReference)) {
        return "its signature differs from the JDK's, for an algorithm whose signatures are deterministic";
      }
      if (!reference.verificationKey(key.kid()).verifier().verify(header, input, byCandidate)) {
        return "the JDK's implementation refuses its signature";
      }
      if (!verifier.verify(header, input, byReference)) {
        return "it refuses the JDK's signature";
      }
      byte[] changed = input.clone();
      changed[changed.length - 1] ^= 1;
      if (verifier.verify(header, changed, byCandidate)) {
        return "it accepts a signature over another message";
      }
      if (algorithm == SigningAlgorithm.ES256 && verifier.verify(header, input, Base64URL.encode(new byte[64]))) {
        return "it accepts the all-zero ECDSA signature (CVE-2022-21449)";
      }
      return null;
    } catch (JOSEException | RuntimeException | LinkageError e) {
      return "it failed with " + e.getClass().getSimpleName();
    }
  }
}
