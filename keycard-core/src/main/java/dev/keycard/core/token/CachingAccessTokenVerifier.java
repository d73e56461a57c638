package dev.keycard.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.keycard.core.revocation.Denylist;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * Remembers tokens that passed full verification, keyed by the whole token string, so a client
 * that sends the same token on every request pays for the signature once. A hit still checks
 * {@code exp}, {@code nbf} and the denylist ({@code jti} and {@code sid}), so revocation and expiry
 * take effect at once; entries leave the cache when their token expires.
 *
 * <p>Keying by the complete string (not a hash or the {@code jti}) means a hit is only ever the exact
 * bytes that were verified: a forged token cannot collide into a cached principal.
 */
public final class CachingAccessTokenVerifier implements AccessTokenVerifier {
  private final AccessTokenVerifier delegate;
  private final Denylist denylist;
  private final InstantSource clock;
  private final long skewMillis;
  private final Cache<String, AccessToken> verified;

  /**
   * @param maxEntries the most tokens remembered (least recently used go first)
   */
  public CachingAccessTokenVerifier(AccessTokenVerifier delegate, Denylist denylist, InstantSource clock,
      Duration clockSkew, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.delegate = delegate;
    this.denylist = denylist;
    this.clock = clock;
    this.skewMillis = clockSkew.toMillis();
    this.verified = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(Expiry.<String, AccessToken>creating((token, at) -> Duration.ofMillis(
            Math.max(0, at.expiresAt().toEpochMilli() + skewMillis - clock.millis()))))
        .build();
  }

  @Override
  public Verification verify(String token) {
    if (token == null) {
      return Rejection.MALFORMED.asVerification();
    }
    AccessToken hit = verified.getIfPresent(token);
    if (hit == null) {
      Verification v = delegate.verify(token);
      if (v instanceof Verification.Verified ok) {
        verified.put(token, ok.token());
      }
      return v;
    }
    long now = clock.millis();
    if (now >= hit.expiresAt().toEpochMilli() + skewMillis) {
      return Rejection.EXPIRED.asVerification();
    }
    if (now + skewMillis < hit.notBefore().toEpochMilli()) {
      return Rejection.NOT_YET_VALID.asVerification();
    }
    if (denylist.isRevoked(hit.tokenId()) || (hit.sessionId() != null && denylist.isRevoked(hit.sessionId()))) {
      return Rejection.REVOKED.asVerification();
    }
    return new Verification.Verified(hit);
  }
}
