package dev.keycard.core.signedurl;

import java.time.Instant;
import java.util.Objects;

/**
 * What a signed URL grants: one path (or, for a path-prefix token, the directory holding it) until
 * an instant, optionally to one playback session and one client address.
 *
 * @param path      the raw, absolute path (e.g. {@code /live/demo/index.m3u8})
 * @param expiresAt the first instant at which the URL no longer works (whole seconds are used)
 * @param sessionId the playback session, or {@code null}; echoed back in {@link UrlCheck.Valid} so the
 *                  edge can count or cut sessions
 * @param clientIp  the address the URL is bound to, or {@code null} for any address
 * @param ticket    whether the URL is a playback ticket: the short-lived URL stream-start hands out,
 *                  good only for opening a playback session at keycard's edge (which answers it with a
 *                  playlist whose URIs are signed for the session). The mark is covered by the
 *                  signature, so a ticket cannot pass for a session URL nor the other way round. Only
 *                  keycard's own schemes ({@link HmacUrlSigner}, {@link PathPrefixSigner}) carry it.
 */
public record UrlGrant(String path, Instant expiresAt, String sessionId, String clientIp, boolean ticket) {
  public UrlGrant {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public UrlGrant(String path, Instant expiresAt, String sessionId, String clientIp) {
    this(path, expiresAt, sessionId, clientIp, false);
  }

  public static UrlGrant of(String path, Instant expiresAt) {
    return new UrlGrant(path, expiresAt, null, null, false);
  }

  public UrlGrant forSession(String sessionId) {
    return new UrlGrant(path, expiresAt, sessionId, clientIp, ticket);
  }

  public UrlGrant boundTo(String clientIp) {
    return new UrlGrant(path, expiresAt, sessionId, clientIp, ticket);
  }

  /** The same grant as a playback ticket. */
  public UrlGrant asTicket() {
    return new UrlGrant(path, expiresAt, sessionId, clientIp, true);
  }

  /** The expiry as epoch seconds, refused when it is not a positive 12-digit number. */
  long checkedExpiry() {
    long exp = expiresAt.getEpochSecond();
    if (exp <= 0 || Long.toString(exp).length() > UrlAlphabet.MAX_EPOCH_DIGITS) {
      throw new IllegalArgumentException("expiry out of range: " + expiresAt);
    }
    return exp;
  }

  /** The session id, {@code null} when absent, refused unless it matches [A-Za-z0-9._-]{1,128}. */
  String checkedSessionId() {
    if (sessionId != null && !UrlAlphabet.isSessionId(sessionId)) {
      throw new IllegalArgumentException("a session id must match [A-Za-z0-9._-]{1," + UrlAlphabet.MAX_SESSION_ID_LENGTH + "}");
    }
    return sessionId;
  }

  /** The client address in lower case, {@code null} when absent, refused unless it looks like an IP. */
  String checkedClientIp() {
    if (clientIp == null) {
      return null;
    }
    if (!UrlAlphabet.isIpText(clientIp)) {
      throw new IllegalArgumentException("not an IP address literal");
    }
    return clientIp.toLowerCase(java.util.Locale.ROOT);
  }
}
