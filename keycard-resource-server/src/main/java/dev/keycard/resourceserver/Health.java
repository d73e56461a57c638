package dev.keycard.resourceserver;

import java.time.Instant;

/**
 * What the library knows of its own state, for a readiness probe or a status page.
 *
 * @param keys            how many verification keys it holds
 * @param keysFetchedAt   when the JWKS was last fetched successfully
 * @param keyFetches      how many JWKS fetches it has made (successful or not) since it was built
 * @param feedFollowed    whether it follows the revocation feed
 * @param feedCurrent     whether the feed was heard from within the configured bound (true when not followed)
 * @param lastFeedContact when the feed last sent anything (an event or a heartbeat); {@code null} before that
 * @param lastSequence    the sequence of the last revocation received
 * @param revocations     how many revocations it holds in memory
 */
public record Health(int keys, Instant keysFetchedAt, long keyFetches, boolean feedFollowed, boolean feedCurrent,
    Instant lastFeedContact, long lastSequence, int revocations) {

  /** Ready to judge tokens as keycard would: keys loaded and revocations current. */
  public boolean healthy() {
    return keys > 0 && feedCurrent;
  }
}
