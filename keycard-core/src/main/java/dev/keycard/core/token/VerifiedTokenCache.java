package dev.keycard.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;

/**
 * Tokens that passed full verification, keyed by the exact string they arrived in (the token, or
 * the whole {@code Authorization} header value), so a client that sends the same token on every
 * request pays for parsing and the signature once. A hit is still judged by {@link TokenValidity},
 * the same rule the full check ends with ({@code exp}, {@code nbf}, the denylist), so a cached answer
 * is never kinder than an uncached one and expiry and revocation take effect at once. An entry leaves
 * at the first lookup that rule refuses, and the least recently used go first when the cache is full.
 * The cache itself keeps no time: that rule reads the clock once per hit, and a second, cache-side
 * expiry would read it again on the hottest path for nothing it does not already decide.
 *
 * <p>Keying by the complete string (not a hash, not the {@code jti}) means a hit is only ever the
 * exact bytes that were verified: nothing forged can collide into a cached principal.
 */
public final class VerifiedTokenCache {
  private final TokenValidity validity;
  private final Cache<String, Verification.Verified> verified;

  /**
   * @param validity the rule the verifiers in front of this cache use; hits are checked by it again
   */
  public VerifiedTokenCache(TokenValidity validity, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.validity = Objects.requireNonNull(validity, "validity");
    // Maintenance on the caller (a few entries per call, under a tryLock): the default hands it to
    // ForkJoinPool.commonPool(), and waking a pool thread cost more than the lookup it follows
    // (futex wake-ups were ~0.5 µs of /api/v1/me's 22 µs, profiled with perf).
    this.verified = Caffeine.newBuilder()
        .executor(Runnable::run)
        .maximumSize(maxEntries)
        .build();
  }

  /** The verdict for a remembered key, or {@code null} when the key is not in the cache. */
  public Verification lookup(String key) {
    Verification.Verified cached = verified.getIfPresent(key);
    if (cached == null) {
      return null;
    }
    Verification verdict = validity.check(cached);
    if (verdict != cached) {
      // Expired or revoked: neither is ever undone, so the entry is of no further use.
      verified.invalidate(key);
    }
    return verdict;
  }

  /** Remembers a token that passed full verification. */
  public void remember(String key, Verification.Verified verification) {
    verified.put(key, verification);
  }
}
