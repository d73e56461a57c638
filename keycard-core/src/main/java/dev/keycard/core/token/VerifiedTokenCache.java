package dev.keycard.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.keycard.core.revocation.Denylist;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * Tokens that passed full verification, keyed by the exact string they arrived in (the token, or
 * the whole {@code Authorization} header value), so a client that sends the same token on every
 * request pays for parsing and the signature once. A hit still checks {@code exp}, {@code nbf} and
 * the denylist ({@code jti} and {@code sid}), so expiry and revocation take effect at once; entries
 * leave when their token expires, and the least recently used go first when the cache is full.
 *
 * <p>Keying by the complete string (not a hash, not the {@code jti}) means a hit is only ever the
 * exact bytes that were verified: nothing forged can collide into a cached principal.
 */
public final class VerifiedTokenCache {
  private final Denylist denylist;
  private final InstantSource clock;
  private final long skewMillis;
  private final Cache<String, Verification.Verified> verified;

  public VerifiedTokenCache(Denylist denylist, InstantSource clock, Duration clockSkew, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.denylist = denylist;
    this.clock = clock;
    this.skewMillis = clockSkew.toMillis();
    this.verified = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(Expiry.<String, Verification.Verified>creating((key, v) -> Duration.ofMillis(
            Math.max(0, v.token().expiresAt().toEpochMilli() + skewMillis - clock.millis()))))
        .build();
  }

  /** The verdict for a remembered key, or {@code null} when the key is not in the cache. */
  public Verification lookup(String key) {
    Verification.Verified cached = verified.getIfPresent(key);
    if (cached == null) {
      return null;
    }
    AccessToken hit = cached.token();
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
    return cached;
  }

  /** Remembers a token that passed full verification. */
  public void remember(String key, Verification.Verified verification) {
    verified.put(key, verification);
  }
}
