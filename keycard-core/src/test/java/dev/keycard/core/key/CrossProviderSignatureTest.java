package dev.keycard.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.testing.CryptoCases;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A token signed on one provider verifies on the other and with jose4j, a JOSE implementation that
 * shares no code with Nimbus: switching providers changes who does the arithmetic, never what a
 * signature is.
 */
class CrossProviderSignatureTest {
  private final MutableClock clock = MutableClock.atFixedStart();

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void signaturesFromEitherProviderVerifyOnTheOtherAndWithAnIndependentLibrary(SigningAlgorithm algorithm)
      throws Exception {
    SigningKey key = TestKeys.of(algorithm);
    KeyRing onJdk = KeyRing.of(key, List.of(key), CryptoProviders.jdk());
    KeyRing onNative = KeyRing.of(key, List.of(key), CryptoCases.nativeProviders());
    TokenForge claims = TokenForge.validFor(key, clock.instant());

    for (KeyRing signer : List.of(onJdk, onNative)) {
      String token = TokenForge.signWith(signer, claims.headerSegment(), claims.payloadSegment());
      for (KeyRing verifier : List.of(onJdk, onNative)) {
        assertThat(verify(verifier, token)).isInstanceOf(Verification.Verified.class);
      }
      assertThat(jose4jAccepts(key, token)).as("jose4j verifies %s", algorithm).isTrue();
    }
  }

  private Verification verify(KeyRing ring, String token) {
    return JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE).keys(() -> ring)
        .validity(new TokenValidity(clock, Duration.ofSeconds(30), new InMemoryDenylist(clock))).build().verify(token);
  }

  private static boolean jose4jAccepts(SigningKey key, String token) throws Exception {
    // jose4j reads the key from its JWK JSON itself, so no key object passes between the libraries.
    String jwk = key.algorithm().symmetric() ? key.jwk().toJSONString() : key.jwk().toPublicJWK().toJSONString();
    Key verificationKey = JsonWebKey.Factory.newJwk(jwk).getKey();
    JsonWebSignature jws = (JsonWebSignature) JsonWebStructure.fromCompactSerialization(token);
    jws.setKey(verificationKey);
    return jws.verifySignature();
  }
}
