package dev.keycard.core;

/**
 * A store (database, denylist, cache) could not answer. Callers answer 503, never
 * {@code invalid_token}: an outage must not look like a bad credential (spring-security #7826).
 */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
