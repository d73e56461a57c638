package dev.keycard.core.admin;

import dev.keycard.core.session.SessionActivity.ActiveStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One login session as an administrator sees it: the refresh-token family from the store, and what
 * this instance saw of its use.
 *
 * @param sessionId     the family id, the {@code sid} of its access tokens
 * @param createdAt     when the user logged in
 * @param expiresAt     the family's absolute expiry
 * @param lastUsed      the last accepted bearer check with one of its access tokens, or {@code null}
 *                      when this instance has seen none since it started (or forgot the session)
 * @param lastClientIp  that request's client address, or {@code null}
 * @param country       the ISO country of {@code lastClientIp}, or {@code null} when unknown
 * @param activeStreams streams started in the session whose playback may still be going on
 * @param device        the {@code User-Agent} it signed in or last refreshed with here, or {@code null}
 */
public record SessionView(String sessionId, String subject, String clientId, Set<String> scopes, Instant createdAt,
    Instant expiresAt, Instant lastUsed, String lastClientIp, String country, List<ActiveStream> activeStreams,
    String device) {
  public SessionView {
    scopes = Set.copyOf(scopes);
    activeStreams = List.copyOf(activeStreams);
  }
}
