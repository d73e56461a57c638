package dev.keycard.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the verifier accepts: tokens our issuer makes, for every algorithm, and nothing else. */
class JwtAccessTokenVerifierTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryDenylist denylist = new InMemoryDenylist(clock);

  private JwtAccessTokenVerifier verifier(KeyRing ring) {
    return JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE)
        .keys(() -> ring).validity(new TokenValidity(clock, Duration.ofSeconds(30), denylist)).build();
  }

  private JwtAccessTokenIssuer issuer(KeyRing ring) {
    return JwtAccessTokenIssuer.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE)
        .keys(() -> ring).clock(clock).secrets(new Secrets(new SecureRandom())).build();
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void verifiesTokenItsIssuerSigned(SigningAlgorithm algorithm) {
    KeyRing ring = KeyRing.of(List.of(TestKeys.of(algorithm)));
    IssuedAccessToken issued = issuer(ring).issue(new AccessTokenRequest("alice", "keycard", Set.of("profile", "stream:watch"), "family-1"));

    Verification v = verifier(ring).verify(issued.value());

    assertThat(v).isInstanceOf(Verification.Verified.class);
    AccessToken t = ((Verification.Verified) v).token();
    assertThat(t).isEqualTo(issued.claims());
    assertThat(t.scopes()).containsExactlyInAnyOrder("profile", "stream:watch");
    assertThat(t.sessionId()).isEqualTo("family-1");
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void issuesRfc9068HeaderAndClaims(SigningAlgorithm algorithm) throws Exception {
    KeyRing ring = KeyRing.of(List.of(TestKeys.of(algorithm)));
    IssuedAccessToken issued = issuer(ring).issue(new AccessTokenRequest("alice", "keycard", Set.of("profile"), null));

    var jwt = com.nimbusds.jwt.SignedJWT.parse(issued.value());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(ring.signer().kid());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(algorithm.jws().getName());
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getClaims().keySet())
        .contains("iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scope", "client_id");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    // RFC 9068 §2.2: jti must be unique; 128 random bits in base64url are 22 characters.
    assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(22);
  }

  @Test
  void acceptsTokenWithinClockSkewAfterExpiry() {
    SigningKey key = TestKeys.of(SigningAlgorithm.ES256);
    String token = TokenForge.validFor(key, clock.instant()).signWith(key);
    clock.advance(Duration.ofSeconds(900 + 29));

    assertThat(verifier(KeyRing.of(List.of(key))).verify(token)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsTokenOnceClockSkewIsPastExpiry() {
    SigningKey key = TestKeys.of(SigningAlgorithm.ES256);
    String token = TokenForge.validFor(key, clock.instant()).signWith(key);
    clock.advance(Duration.ofSeconds(900 + 30));

    assertThat(verifier(KeyRing.of(List.of(key))).verify(token)).isEqualTo(Verification.rejected(Rejection.EXPIRED));
  }

  @Test
  void acceptsSingleStringAudience() {
    SigningKey key = TestKeys.of(SigningAlgorithm.EdDSA);
    String token = TokenForge.validFor(key, clock.instant()).claim("aud", TokenForge.AUDIENCE).signWith(key);

    assertThat(verifier(KeyRing.of(List.of(key))).verify(token)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void acceptsApplicationAtJwtMediaType() {
    SigningKey key = TestKeys.of(SigningAlgorithm.EdDSA);
    String token = TokenForge.validFor(key, clock.instant()).header("typ", "application/at+jwt").signWith(key);

    assertThat(verifier(KeyRing.of(List.of(key))).verify(token)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsTokenWhoseSessionWasRevoked() {
    SigningKey key = TestKeys.of(SigningAlgorithm.EdDSA);
    String token = TokenForge.validFor(key, clock.instant()).claim("sid", "family-7").signWith(key);
    denylist.revoke("family-7", clock.instant().plus(Duration.ofMinutes(16)));

    assertThat(verifier(KeyRing.of(List.of(key))).verify(token)).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void verifiesTokenOfRetiredKeyStillInRing() {
    SigningKey old = TestKeys.fresh(SigningAlgorithm.ES256, clock.instant());
    String token = TokenForge.validFor(old, clock.instant()).signWith(old);
    SigningKey next = TestKeys.fresh(SigningAlgorithm.ES256, clock.instant().plusSeconds(1));
    KeyRing rotated = KeyRing.of(List.of(old.retire(clock.instant()), next));

    assertThat(rotated.signer().kid()).isEqualTo(next.kid());
    assertThat(verifier(rotated).verify(token)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsHs256TokenSignedWithAnotherSecret() {
    SigningKey ours = dev.keycard.core.key.KeyGenerator.hmacKey("0123456789abcdef0123456789abcdef".getBytes(), clock.instant());
    byte[] other = "0123456789abcdef0123456789abcdeX".getBytes();
    TokenForge forge = TokenForge.validFor(ours, clock.instant());

    assertThat(verifier(KeyRing.of(List.of(ours))).verify(forge.hmacWith(other)))
        .isEqualTo(Verification.rejected(Rejection.BAD_SIGNATURE));
    assertThat(verifier(KeyRing.of(List.of(ours))).verify(forge.signWith(ours))).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void refusesToBuildWithoutAudience() {
    assertThatThrownBy(() -> JwtAccessTokenVerifier.builder().issuer("x").keys(() -> null)
        .validity(new TokenValidity(clock, Duration.ZERO, denylist)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audience");
  }

  @Test
  void refusesShortHmacSecret() {
    assertThatThrownBy(() -> dev.keycard.core.key.KeyGenerator.hmacKey(new byte[31], clock.instant()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 256");
  }
}
