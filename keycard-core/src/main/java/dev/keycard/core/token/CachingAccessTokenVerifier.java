package dev.keycard.core.token;

/**
 * A verifier that consults a {@link VerifiedTokenCache} before its delegate and remembers what the
 * delegate verified. Useful in front of a slow verifier, such as an opaque-token lookup.
 */
public final class CachingAccessTokenVerifier implements AccessTokenVerifier {
  private final AccessTokenVerifier delegate;
  private final VerifiedTokenCache cache;

  public CachingAccessTokenVerifier(AccessTokenVerifier delegate, VerifiedTokenCache cache) {
    this.delegate = delegate;
    this.cache = cache;
  }

  @Override
  public Verification verify(String token) {
    if (token == null) {
      return Rejection.MALFORMED.asVerification();
    }
    Verification hit = cache.lookup(token);
    if (hit != null) {
      return hit;
    }
    Verification v = delegate.verify(token);
    if (v instanceof Verification.Verified ok) {
      cache.remember(token, ok);
    }
    return v;
  }
}
