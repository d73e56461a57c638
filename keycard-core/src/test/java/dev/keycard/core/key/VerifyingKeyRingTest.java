package dev.keycard.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A ring built from another issuer's published JWK Set: what a resource server outside keycard verifies with. */
class VerifyingKeyRingTest {
  private final MutableClock clock = MutableClock.atFixedStart();

  private JWKSet published(SigningKey... keys) {
    return new JWKSet(java.util.Arrays.stream(keys).map(k -> k.jwk().toPublicJWK()).toList());
  }

  private Verification verify(KeyRing ring, String token) {
    return JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE).keys(() -> ring)
        .validity(new TokenValidity(clock, Duration.ofSeconds(30), new InMemoryDenylist(clock))).build().verify(token);
  }

  @Test
  void verifiesTokensOfEveryPublishedAlgorithmWithThePublicHalvesAlone() {
    SigningKey rsa = TestKeys.of(SigningAlgorithm.RS256);
    SigningKey ec = TestKeys.of(SigningAlgorithm.ES256);
    SigningKey ed = TestKeys.of(SigningAlgorithm.EdDSA);
    KeyRing ring = KeyRing.verifying(published(rsa, ec, ed));

    assertThat(ring.kids()).containsExactlyInAnyOrder(rsa.kid(), ec.kid(), ed.kid());
    for (SigningKey k : List.of(rsa, ec, ed)) {
      assertThat(verify(ring, TokenForge.validFor(k, clock.instant()).signWith(k)))
          .isInstanceOf(Verification.Verified.class);
      assertThat(ring.verificationKey(k.kid()).algorithm()).isEqualTo(k.algorithm());
    }
  }

  @Test
  void aVerifyingRingHasNoSignerAndPublishesWhatItHolds() {
    KeyRing ring = KeyRing.verifying(published(TestKeys.of(SigningAlgorithm.ES256)));
    assertThatThrownBy(ring::signer).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(ring::jwsSigner).isInstanceOf(IllegalStateException.class);
    assertThat(ring.publicJwksJson()).contains(TestKeys.of(SigningAlgorithm.ES256).kid()).doesNotContain("\"d\"");
  }

  @Test
  void leavesOutKeysItMustNotTrust() throws Exception {
    SigningKey rsa = TestKeys.of(SigningAlgorithm.RS256);
    JWK withoutKid = new RSAKey.Builder(rsa.jwk().toRSAKey().toRSAPublicKey()).build();
    JWK forEncryption = new RSAKey.Builder(rsa.jwk().toRSAKey().toRSAPublicKey()).keyID("enc").keyUse(KeyUse.ENCRYPTION).build();
    JWK mislabelled = new RSAKey.Builder(rsa.jwk().toRSAKey().toRSAPublicKey()).keyID("ps").algorithm(JWSAlgorithm.PS256).build();
    JWK hmac = TestKeys.of(SigningAlgorithm.HS256).jwk();
    JWK privateHalf = TestKeys.of(SigningAlgorithm.ES256).jwk();
    ECKey otherCurve = new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK();

    KeyRing ring = KeyRing.verifying(new JWKSet(List.of(withoutKid, forEncryption, mislabelled, hmac, privateHalf, otherCurve)));

    assertThat(ring.kids()).isEmpty();
  }

  @Test
  void aTokenOfAKeyNotPublishedIsRefusedAsSignedByAnUnknownKey() {
    SigningKey published = TestKeys.of(SigningAlgorithm.ES256);
    SigningKey other = TestKeys.fresh(SigningAlgorithm.ES256, clock.instant());
    KeyRing ring = KeyRing.verifying(published(published));

    assertThat(verify(ring, TokenForge.validFor(other, clock.instant()).signWith(other)))
        .isEqualTo(Rejection.UNKNOWN_KEY.asVerification());
  }

  @Test
  void anAlgorithmIsInferredFromTheKeyTypeWhenTheJwkNamesNone() throws Exception {
    RSAKey bare = new RSAKey.Builder(TestKeys.of(SigningAlgorithm.RS256).jwk().toRSAKey().toRSAPublicKey()).keyID("k").build();
    assertThat(SigningAlgorithm.of(bare)).isEqualTo(SigningAlgorithm.RS256);
    assertThat(SigningAlgorithm.of(TestKeys.of(SigningAlgorithm.EdDSA).jwk().toPublicJWK())).isEqualTo(SigningAlgorithm.EdDSA);
  }
}
