package dev.keycard.core.token;

/**
 * Checks a bearer token presented to a protected resource. Implementations are immutable and
 * thread-safe, and cheap enough to call on an event loop for every request.
 */
@FunctionalInterface
public interface AccessTokenVerifier {

  /**
   * @param token the token exactly as presented (the credentials of {@code Authorization: Bearer})
   * @return {@link Verification.Verified} or {@link Verification.Rejected}, never {@code null}
   * @throws dev.keycard.core.StoreUnavailableException when a store the check needs cannot answer
   */
  Verification verify(String token);
}
