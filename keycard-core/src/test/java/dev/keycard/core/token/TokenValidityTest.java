package dev.keycard.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.opaque.OpaqueAccessTokenIssuer;
import dev.keycard.core.opaque.OpaqueAccessTokenVerifier;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.testing.InMemoryOpaqueTokenStore;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One validity rule (expiry and not-before with the clock skew, revocation) whoever applies it: the
 * JWT verifier, the opaque-token verifier, and the verified-token cache in front of either. The same
 * token checked at the same instant, from the cache and in full, gets the same answer.
 */
class TokenValidityTest {
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryDenylist denylist = new InMemoryDenylist(clock);
  private final TokenValidity validity = new TokenValidity(clock, SKEW, denylist);
  private final SigningKey key = TestKeys.of(SigningAlgorithm.ES256);
  private final JwtAccessTokenVerifier jwtVerifier = JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER)
      .audience(TokenForge.AUDIENCE).keys(() -> KeyRing.of(List.of(key))).validity(validity).build();
  private final JwtAccessTokenIssuer jwtIssuer = JwtAccessTokenIssuer.builder().issuer(TokenForge.ISSUER)
      .audience(TokenForge.AUDIENCE).keys(() -> KeyRing.of(List.of(key))).clock(clock)
      .secrets(new Secrets(new SecureRandom())).build();
  private final InMemoryOpaqueTokenStore opaqueStore = new InMemoryOpaqueTokenStore();
  private final OpaqueAccessTokenVerifier opaqueVerifier = new OpaqueAccessTokenVerifier(opaqueStore, validity,
      TokenForge.AUDIENCE);
  private final OpaqueAccessTokenIssuer opaqueIssuer = new OpaqueAccessTokenIssuer(opaqueStore,
      new Secrets(new SecureRandom()), TokenForge.ISSUER, TokenForge.AUDIENCE, Duration.ofMinutes(15), clock);
  private final AccessTokenRequest request = new AccessTokenRequest("alice", "keycard", Set.of("profile"), "family-1");

  /** The verdict of a full check and of a cache hit (filled when the token was fresh) for one token. */
  private final class Both {
    final BearerAuthenticator uncached;
    final BearerAuthenticator cached;
    final List<String> header;

    Both(AccessTokenVerifier verifier, String token) {
      uncached = new BearerAuthenticator(verifier);
      cached = new BearerAuthenticator(verifier, new VerifiedTokenCache(validity, 100));
      header = List.of("Bearer " + token);
      assertThat(cached.authenticate(header, null)).as("fills the cache").isInstanceOf(BearerAuthenticator.Authorized.class);
    }

    String at(Instant instant) {
      clock.set(instant);
      return verdict(cached.authenticate(header, null)) + " / " + verdict(uncached.authenticate(header, null));
    }
  }

  private static String verdict(BearerAuthenticator.Outcome outcome) {
    return switch (outcome) {
      case BearerAuthenticator.Authorized a -> "accepted";
      case BearerAuthenticator.Refused r -> r.error().description();
    };
  }

  private void assertSameAnswersAroundExpiry(Both both, Instant exp) {
    assertThat(both.at(exp.plusSeconds(10))).isEqualTo("accepted / accepted");
    assertThat(both.at(exp.plus(SKEW).minusMillis(1))).isEqualTo("accepted / accepted");
    assertThat(both.at(exp.plus(SKEW))).isEqualTo("The access token expired / The access token expired");
    assertThat(both.at(exp.plus(SKEW).plusSeconds(10))).isEqualTo("The access token expired / The access token expired");
  }

  @Test
  void opaqueTokenGetsTheSameAnswerFromTheCacheAndInFullAroundExpiry() {
    IssuedAccessToken issued = opaqueIssuer.issue(request);

    assertSameAnswersAroundExpiry(new Both(opaqueVerifier, issued.value()), issued.claims().expiresAt());
  }

  @Test
  void jwtGetsTheSameAnswerFromTheCacheAndInFullAroundExpiry() {
    IssuedAccessToken issued = jwtIssuer.issue(request);

    assertSameAnswersAroundExpiry(new Both(jwtVerifier, issued.value()), issued.claims().expiresAt());
  }

  @Test
  void jwtGetsTheSameAnswerFromTheCacheAndInFullAroundNotBefore() {
    Instant nbf = clock.instant().plusSeconds(60);
    String token = TokenForge.validFor(key, clock.instant()).claim("nbf", nbf.getEpochSecond()).signWith(key);
    clock.set(nbf.minus(SKEW));
    Both both = new Both(jwtVerifier, token);

    assertThat(both.at(nbf.minus(SKEW).minusMillis(1)))
        .isEqualTo("The access token is not yet valid / The access token is not yet valid");
    assertThat(both.at(nbf.minus(SKEW))).isEqualTo("accepted / accepted");
  }

  @Test
  void jwtWithoutNbfIsNotValidBeforeItsIatFromTheCacheOrInFull() {
    // The verifier records iat as the start of a token without nbf; the cache judges that same value.
    Instant iat = clock.instant().plusSeconds(60);
    String token = TokenForge.validFor(key, iat).claim("nbf", null).signWith(key);
    clock.set(iat);
    Both both = new Both(jwtVerifier, token);

    assertThat(both.at(iat.minus(SKEW).minusMillis(1)))
        .isEqualTo("The access token is not yet valid / The access token is not yet valid");
  }

  @Test
  void revokedSessionIsRefusedFromTheCacheAndInFull() {
    IssuedAccessToken jwt = jwtIssuer.issue(request);
    IssuedAccessToken opaque = opaqueIssuer.issue(request);
    Both jwtBoth = new Both(jwtVerifier, jwt.value());
    Both opaqueBoth = new Both(opaqueVerifier, opaque.value());
    denylist.revoke("family-1", clock.instant().plusSeconds(1000));

    assertThat(jwtBoth.at(clock.instant())).isEqualTo("The access token was revoked / The access token was revoked");
    assertThat(opaqueBoth.at(clock.instant())).isEqualTo("The access token was revoked / The access token was revoked");
  }

  @Test
  void revocationLastsExactlyAsLongAsTheRuleWouldAcceptTheToken() {
    IssuedAccessToken issued = jwtIssuer.issue(request);

    assertThat(validity.acceptedUntil(issued.claims())).isEqualTo(issued.claims().expiresAt().plus(SKEW));
    assertThat(validity.remaining(issued.claims())).isEqualTo(Duration.ofMinutes(15).plus(SKEW));
  }

  @Test
  void refusesToBuildWithASkewOverFiveMinutes() {
    assertThatThrownBy(() -> new TokenValidity(clock, Duration.ofMinutes(6), denylist))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 minutes");
  }
}
