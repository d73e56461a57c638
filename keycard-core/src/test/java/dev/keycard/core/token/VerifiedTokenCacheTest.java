package dev.keycard.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.testing.TestKeys;
import dev.keycard.core.testing.TokenForge;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache as the bearer check uses it: look up, else verify in full and remember. */
class VerifiedTokenCacheTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryDenylist denylist = new InMemoryDenylist(clock);
  private final SigningKey key = TestKeys.of(SigningAlgorithm.ES256);
  private final AtomicInteger fullVerifications = new AtomicInteger();
  private final TokenValidity validity = new TokenValidity(clock, Duration.ofSeconds(30), denylist);
  private final JwtAccessTokenVerifier strict = JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER)
      .audience(TokenForge.AUDIENCE).keys(() -> KeyRing.of(List.of(key))).validity(validity).build();
  private final VerifiedTokenCache cache = new VerifiedTokenCache(validity, 1000);
  private final AccessTokenVerifier cached = token -> {
    Verification hit = cache.lookup(token);
    if (hit != null) {
      return hit;
    }
    fullVerifications.incrementAndGet();
    Verification v = strict.verify(token);
    if (v instanceof Verification.Verified ok) {
      cache.remember(token, ok);
    }
    return v;
  };

  @Test
  void verifiesSignatureOnlyOnceForARepeatedToken() {
    String token = TokenForge.validFor(key, clock.instant()).signWith(key);

    assertThat(cached.verify(token)).isInstanceOf(Verification.Verified.class);
    assertThat(cached.verify(token)).isInstanceOf(Verification.Verified.class);
    assertThat(fullVerifications).hasValue(1);
  }

  @Test
  void cachedTokenStillExpires() {
    String token = TokenForge.validFor(key, clock.instant()).signWith(key);
    cached.verify(token);
    clock.advance(Duration.ofSeconds(900 + 30));

    assertThat(cached.verify(token)).isEqualTo(Verification.rejected(Rejection.EXPIRED));
  }

  @Test
  void cachedTokenIsRefusedOnceItsJtiIsRevoked() {
    String token = TokenForge.validFor(key, clock.instant()).claim("jti", "j-1").signWith(key);
    cached.verify(token);
    denylist.revoke("j-1", clock.instant().plusSeconds(1000));

    assertThat(cached.verify(token)).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void cachedTokenIsRefusedOnceItsSessionIsRevoked() {
    String token = TokenForge.validFor(key, clock.instant()).claim("sid", "fam-1").signWith(key);
    cached.verify(token);
    denylist.revoke("fam-1", clock.instant().plusSeconds(1000));

    assertThat(cached.verify(token)).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void anEntryLeavesTheCacheAtTheFirstLookupThatRefusesIt() {
    String token = TokenForge.validFor(key, clock.instant()).claim("jti", "j-2").signWith(key);
    cached.verify(token);
    denylist.revoke("j-2", clock.instant().plusSeconds(1000));

    assertThat(cache.lookup(token)).isEqualTo(Verification.rejected(Rejection.REVOKED));
    assertThat(cache.lookup(token)).as("no longer remembered").isNull();
  }

  @Test
  void rejectedTokensAreNotCached() {
    String token = TokenForge.validFor(key, clock.instant()).claim("aud", "elsewhere").signWith(key);
    cached.verify(token);
    cached.verify(token);

    assertThat(fullVerifications).hasValue(2);
  }

  @Test
  void aTokenDifferingByOneCharacterIsNotAHit() {
    String token = TokenForge.validFor(key, clock.instant()).signWith(key);
    cached.verify(token);
    String altered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BA" : "AA");

    assertThat(cached.verify(altered)).isInstanceOf(Verification.Rejected.class);
  }
}
