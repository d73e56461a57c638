package dev.keycard.core.token;

import dev.keycard.core.revocation.Denylist;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Whether an access token whose signature or lookup already succeeded is in force right now: not
 * expired, already valid, neither its {@code jti} nor its session ({@code sid}) revoked. This is the
 * one place that rule lives. The JWT verifier, the opaque-token verifier and the verified-token cache
 * all call {@link #check}, so a token gets the same answer whichever of them looks at it (they used
 * to disagree about the clock skew: an opaque token 10 s past expiry was accepted from the cache and
 * refused without it).
 *
 * <p>Expiry and not-before are compared with the clock skew allowed on both sides, in milliseconds:
 * a token is refused from {@code exp + skew} on, and until {@code nbf - skew}. Built once, immutable,
 * thread-safe, allocation-free on the hot path.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4">RFC 7519 §4.1.4, §4.1.5</a>
 */
public final class TokenValidity {
  /** The most clock skew a deployment may allow. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private final InstantSource clock;
  private final Duration clockSkew;
  private final long skewMillis;
  private final Denylist denylist;

  /**
   * @param clockSkew tolerance for clocks that disagree, applied to {@code exp} and {@code nbf}; 0 to 5 minutes
   * @throws IllegalArgumentException when the skew is out of range
   */
  public TokenValidity(InstantSource clock, Duration clockSkew, Denylist denylist) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.denylist = Objects.requireNonNull(denylist, "denylist");
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes");
    }
    this.clockSkew = clockSkew;
    this.skewMillis = clockSkew.toMillis();
  }

  /**
   * The verdict on {@code candidate} now: the same instance when the token is in force (so a cache
   * hit allocates nothing), otherwise the shared rejection.
   *
   * @throws dev.keycard.core.StoreUnavailableException when the denylist cannot be consulted
   */
  public Verification check(Verification.Verified candidate) {
    AccessToken t = candidate.token();
    long now = clock.millis();
    if (now >= t.expiresAt().toEpochMilli() + skewMillis) {
      return Rejection.EXPIRED.asVerification();
    }
    if (now + skewMillis < t.notBefore().toEpochMilli()) {
      return Rejection.NOT_YET_VALID.asVerification();
    }
    if (denylist.isRevoked(t.tokenId()) || (t.sessionId() != null && denylist.isRevoked(t.sessionId()))) {
      return Rejection.REVOKED.asVerification();
    }
    return candidate;
  }

  /** How much longer, from now, {@link #check} can accept {@code token} (zero once it cannot): a cache's entry lifetime. */
  public Duration remaining(AccessToken token) {
    return Duration.ofMillis(Math.max(0, acceptedUntil(token).toEpochMilli() - clock.millis()));
  }

  /**
   * The instant from which {@link #check} refuses {@code token} as expired: how long a denylist entry
   * for it must last.
   */
  public Instant acceptedUntil(AccessToken token) {
    return token.expiresAt().plus(clockSkew);
  }

  public Duration clockSkew() {
    return clockSkew;
  }

  public InstantSource clock() {
    return clock;
  }
}
