package dev.keycard.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import dev.keycard.core.key.CryptoProviders;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.testing.CryptoCases;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per known attack on JWT bearer tokens (RFC 8725 §2), each refused with its own reason.
 * The verifier trusts one RS256 key; attacks start from a token that key really signed, or forge one.
 * Every attack runs twice: on the JDK's providers and on the native one keycard prefers.
 */
@ParameterizedClass(name = "on the {0} providers")
@MethodSource("dev.keycard.core.testing.CryptoCases#both")
class JwtAttackTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryDenylist denylist = new InMemoryDenylist(clock);
  private final SigningKey rsa = TestKeys.of(SigningAlgorithm.RS256);
  private final CryptoProviders crypto;
  private final KeyRing ring;
  private final JwtAccessTokenVerifier verifier;

  JwtAttackTest(CryptoCases cryptoCase) {
    this.crypto = cryptoCase.providers();
    this.ring = KeyRing.of(List.of(rsa), crypto);
    this.verifier = verifierOf(ring);
  }

  private JwtAccessTokenVerifier verifierOf(KeyRing keys) {
    return JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE).keys(() -> keys)
        .validity(new TokenValidity(clock, Duration.ofSeconds(30), denylist)).build();
  }

  private TokenForge valid() {
    return TokenForge.validFor(rsa, clock.instant());
  }

  private Verification verify(String token) {
    return verifier.verify(token);
  }

  @Test
  void controlGenuineTokenIsAccepted() {
    assertThat(verify(valid().signWith(rsa))).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsAlgNone() {
    String token = valid().header("alg", "none").unsigned();
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    // Even with a signature part present, "none" is not an algorithm we accept.
    assertThat(verify(token + "AAAA")).isEqualTo(Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED));
  }

  @Test
  void rejectsHs256SignedWithRsaPublicKeyAsSecret() throws Exception {
    byte[] publicKeyDer = rsa.jwk().toRSAKey().toRSAPublicKey().getEncoded();
    byte[] publicJwk = rsa.jwk().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);

    for (byte[] secret : List.of(publicKeyDer, publicJwk)) {
      String token = valid().header("alg", "HS256").hmacWith(secret);
      assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED));
    }
  }

  @Test
  void rejectsTamperedPayload() {
    String genuine = valid().signWith(rsa);
    String[] parts = genuine.split("\\.");
    String elevated = valid().claim("scope", "admin stream:publish").payloadSegment();

    assertThat(verify(parts[0] + "." + elevated + "." + parts[2]))
        .isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
  }

  @Test
  void rejectsStrippedSignature() {
    String genuine = valid().signWith(rsa);
    String stripped = genuine.substring(0, genuine.lastIndexOf('.') + 1);

    assertThat(verify(stripped)).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(genuine.substring(0, genuine.lastIndexOf('.'))))
        .isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsUnknownKid() {
    assertThat(verify(valid().header("kid", "not-our-key").signWith(rsa)))
        .isEqualTo(Verification.rejected(Rejection.UNKNOWN_KEY));
    assertThat(verify(valid().header("kid", null).signWith(rsa)))
        .isEqualTo(Verification.rejected(Rejection.UNKNOWN_KEY));
  }

  @Test
  void rejectsEmbeddedJwkHeader() {
    // The attacker signs with their own key and ships its public half in the header (CVE-2018-0114).
    SigningKey attacker = TestKeys.fresh(SigningAlgorithm.RS256, clock.instant());
    Map<String, Object> attackerJwk = attacker.jwk().toPublicJWK().toJSONObject();
    String token = TokenForge.validFor(attacker, clock.instant()).header("kid", rsa.kid()).header("jwk", attackerJwk)
        .signWith(attacker);

    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.UNTRUSTED_HEADER));
  }

  @Test
  void rejectsJkuHeader() {
    String token = valid().header("jku", "https://attacker.example/jwks.json").signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.UNTRUSTED_HEADER));
    String x5u = valid().header("x5u", "https://attacker.example/cert.pem").signWith(rsa);
    assertThat(verify(x5u)).isEqualTo(Verification.rejected(Rejection.UNTRUSTED_HEADER));
  }

  @Test
  void rejectsExpired() {
    String token = valid().signWith(rsa);
    clock.advance(Duration.ofMinutes(16));
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.EXPIRED));
  }

  @Test
  void rejectsNbfInTheFuture() {
    String token = valid().claim("nbf", clock.instant().plusSeconds(120).getEpochSecond()).signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.NOT_YET_VALID));
  }

  @Test
  void rejectsWrongIssuer() {
    String token = valid().claim("iss", "https://auth.keycard.test.attacker.example").signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.WRONG_ISSUER));
  }

  @Test
  void rejectsWrongAudience() {
    String token = valid().claim("aud", List.of("some-other-api")).signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.WRONG_AUDIENCE));
  }

  @Test
  void rejectsMissingExp() {
    String token = valid().claim("exp", null).signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.MISSING_CLAIM));
  }

  @Test
  void rejectsMissingJtiAndClientId() {
    assertThat(verify(valid().claim("jti", null).signWith(rsa))).isEqualTo(Verification.rejected(Rejection.MISSING_CLAIM));
    assertThat(verify(valid().claim("client_id", null).signWith(rsa)))
        .isEqualTo(Verification.rejected(Rejection.MISSING_CLAIM));
  }

  @Test
  void rejectsWrongTyp() {
    // An ID token or any other JWT signed by the same key must not pass as an access token (RFC 9068 §4).
    assertThat(verify(valid().header("typ", "JWT").signWith(rsa))).isEqualTo(Verification.rejected(Rejection.WRONG_TYPE));
    assertThat(verify(valid().header("typ", null).signWith(rsa))).isEqualTo(Verification.rejected(Rejection.WRONG_TYPE));
  }

  @Test
  void rejectsTokenOverSizeLimit() {
    String token = valid().claim("padding", "x".repeat(9000)).signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.TOO_LARGE));
  }

  @Test
  void rejectsInvalidBase64Url() {
    String genuine = valid().signWith(rsa);
    String[] p = genuine.split("\\.");
    assertThat(verify(p[0] + "." + p[1] + "!." + p[2])).isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
    assertThat(verify(p[0] + "." + p[1] + "." + p[2].substring(1) + "*")).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(p[0] + "=." + p[1] + "." + p[2])).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify("%%%." + p[1] + "." + p[2])).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsInvalidBase64UrlInSignedPayload() {
    // Signed by our key, so only the strict decoding can catch it.
    String header = valid().headerSegment();
    assertThat(verify(TokenForge.signWith(ring, header, "e30*"))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsNonJsonPayload() {
    String header = valid().headerSegment();
    String notJson = Base64URL.encode("this is not json").toString();
    assertThat(verify(TokenForge.signWith(ring, header, notJson))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    String array = Base64URL.encode("[1,2,3]").toString();
    assertThat(verify(TokenForge.signWith(ring, header, array))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsClaimsOfTheWrongType() {
    assertThat(verify(valid().claim("exp", "tomorrow").signWith(rsa))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(valid().claim("sub", Map.of("admin", true)).signWith(rsa)))
        .isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsNumericDatesBeyondTheYear9999() {
    // They would overflow the millisecond arithmetic of the expiry check instead of being refused.
    assertThat(verify(valid().claim("exp", Long.MAX_VALUE).signWith(rsa))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(valid().claim("nbf", Long.MIN_VALUE).signWith(rsa))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(valid().claim("iat", 1e14).signWith(rsa))).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsRevokedJti() {
    String token = valid().claim("jti", "stolen-token").signWith(rsa);
    denylist.revoke("stolen-token", clock.instant().plus(Duration.ofMinutes(16)));
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void rejectsCriticalHeaderItDoesNotUnderstand() {
    String token = valid().header("crit", List.of("exp")).header("exp", 1).signWith(rsa);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.UNTRUSTED_HEADER));
  }

  @Test
  void rejectsJweShapedToken() {
    assertThat(verify("a.b.c.d.e")).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }

  @Test
  void rejectsTokenSignedByAnotherKeyOfTheSameAlgorithmUnderOurKid() {
    SigningKey attacker = TestKeys.fresh(SigningAlgorithm.RS256, clock.instant());
    String token = valid().signWith(attacker);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
  }

  @Test
  void rejectsEs256TokenPresentedUnderRsaKid() {
    SigningKey ec = TestKeys.of(SigningAlgorithm.ES256);
    String token = valid().header("alg", "ES256").signWith(ec);
    assertThat(verify(token)).isEqualTo(Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED));
  }

  @Test
  void rejectsThePsychicEcdsaSignature() {
    // CVE-2022-21449: some ECDSA verifiers accepted r = s = 0 for any message and any key.
    SigningKey ec = TestKeys.of(SigningAlgorithm.ES256);
    KeyRing ecRing = KeyRing.of(List.of(ec), crypto);
    JwtAccessTokenVerifier ecVerifier = verifierOf(ecRing);
    TokenForge forged = TokenForge.validFor(ec, clock.instant());
    String zeros = Base64URL.encode(new byte[64]).toString();
    String token = forged.headerSegment() + "." + forged.payloadSegment() + ".";

    assertThat(ecVerifier.verify(forged.signWith(ec))).isInstanceOf(Verification.Verified.class);
    assertThat(ecVerifier.verify(token + zeros)).isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
    // The same zeros in DER (SEQUENCE { INTEGER 0, INTEGER 0 }), as a JCA verifier would take them.
    String der = Base64URL.encode(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}).toString();
    assertThat(ecVerifier.verify(token + der)).isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
  }

  @Test
  void rejectsEmptyAndNullTokens() {
    assertThat(verify("")).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify(null)).isEqualTo(Verification.rejected(Rejection.MALFORMED));
    assertThat(verify("..")).isEqualTo(Verification.rejected(Rejection.MALFORMED));
  }
}
