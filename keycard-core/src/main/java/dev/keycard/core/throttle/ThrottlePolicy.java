package dev.keycard.core.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * How many failures are tolerated, and for how long they are remembered. Within a window of
 * {@code window} from a key's first failure, the first half of a limit is free, each failure of the
 * second half is delayed ({@code firstDelay}, doubling, at most {@code maxDelay}), and past the limit
 * attempts are refused (429) until the window ends.
 *
 * @param accountFailures  failed logins per account (and per account and known address), 0 for no throttling
 * @param addressFailures  failed logins, and failed client authentications, per client address
 * @param clientFailures   failed client authentications per client id
 * @param window           how long failures count, from the first
 * @param knownAddressTtl  how long an address an account logged in from stays "known" to it
 */
public record ThrottlePolicy(long accountFailures, long addressFailures, long clientFailures, Duration window,
    Duration knownAddressTtl, Duration firstDelay, Duration maxDelay) {

  public static final ThrottlePolicy OFF = new ThrottlePolicy(0, 0, 0, Duration.ofMinutes(15), Duration.ofDays(30),
      Duration.ZERO, Duration.ZERO);

  /** @throws IllegalArgumentException naming the option that is wrong */
  public ThrottlePolicy {
    require(accountFailures >= 0, "--login-failures-per-account must be 0 (off) or more");
    require(addressFailures >= 0 && clientFailures >= 0, "failure limits must not be negative");
    require(accountFailures == 0 || (addressFailures > 0 && clientFailures > 0),
        "--login-failures-per-address and --client-auth-failures must be more than 0 while logins are throttled");
    Objects.requireNonNull(window, "window");
    require(!window.isNegative() && !window.isZero(), "--login-throttle-window must be more than 0");
    require(knownAddressTtl != null && !knownAddressTtl.isNegative(), "--known-address-ttl must not be negative");
    require(firstDelay != null && maxDelay != null && !firstDelay.isNegative() && maxDelay.compareTo(firstDelay) >= 0,
        "the progressive delay must be at least 0 and grow");
  }

  /** Whether anything is throttled at all. */
  public boolean enabled() {
    return accountFailures > 0;
  }

  /**
   * The delay before the {@code count}th failure of a key whose limit is {@code limit}: none in the
   * first half, then {@code firstDelay} doubling up to {@code maxDelay}.
   */
  public Duration delay(long count, long limit) {
    long free = limit / 2;
    if (count <= free || firstDelay.isZero()) {
      return Duration.ZERO;
    }
    long doublings = Math.min(count - free - 1, 20);
    Duration d = firstDelay.multipliedBy(1L << doublings);
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
