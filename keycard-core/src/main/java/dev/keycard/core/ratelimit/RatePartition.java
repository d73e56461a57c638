package dev.keycard.core.ratelimit;

import dev.keycard.core.token.AccessToken;

/**
 * Whose budget a request spends: the login session's ({@code sid}, shared by every access token of
 * one refresh-token family, so a refresh does not start a new budget) or, for tokens without a
 * session (client credentials), the client's.
 *
 * @param policyName the name of the policy in the {@code RateLimit} fields: {@code session} or {@code client}
 * @param key        the bucket's key; never a token, only the session or client id
 */
public record RatePartition(String policyName, String key) {
  public static final String SESSION = "session";
  public static final String CLIENT = "client";

  public static RatePartition of(AccessToken token) {
    return token.sessionId() != null
        ? new RatePartition(SESSION, "s:" + token.sessionId())
        : new RatePartition(CLIENT, "c:" + token.clientId());
  }
}
