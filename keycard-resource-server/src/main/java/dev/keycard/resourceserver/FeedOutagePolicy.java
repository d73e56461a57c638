package dev.keycard.resourceserver;

/**
 * What the library does with tokens while it cannot prove its copy of keycard's revocations is
 * current (the feed has been unreachable for longer than the configured bound). Either way the
 * library says so: {@link KeycardResourceServer#health()} turns unhealthy and a warning is logged.
 */
public enum FeedOutagePolicy {
  /**
   * Keep accepting tokens that pass every other check: a revocation made during the outage is not
   * seen until the feed is back. Availability first; the default, since access tokens are short-lived.
   */
  KEEP_SERVING,
  /** Refuse every request with 503 and {@code Retry-After} until the feed is current again. */
  FAIL_CLOSED
}
