package dev.keycard.server.stream;

import dev.keycard.core.signedurl.HmacUrlSigner;
import dev.keycard.core.signedurl.HmacUrlVerifier;
import dev.keycard.core.signedurl.PathPrefixSigner;
import dev.keycard.core.signedurl.PathPrefixVerifier;
import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlGrant;
import dev.keycard.core.signedurl.UrlSigningKeys;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Signs and checks the URLs of live playback with keycard's own schemes, from one key set. The API
 * signs a stream's playlist URL; the edge checks every request (one HMAC, on the event loop) and signs
 * the URIs of the playlists it rewrites. Built once, immutable and thread-safe.
 */
public final class PlaybackUrls {
  private static final String PREFIX_MARKER = "/t/";

  private final UrlScheme scheme;
  private final HmacUrlSigner querySigner;
  private final PathPrefixSigner prefixSigner;
  private final HmacUrlVerifier queryVerifier;
  private final PathPrefixVerifier prefixVerifier;

  public PlaybackUrls(UrlSigningKeys keys, UrlScheme scheme, InstantSource clock) {
    Objects.requireNonNull(keys, "keys");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.querySigner = new HmacUrlSigner(keys);
    this.prefixSigner = new PathPrefixSigner(keys);
    this.queryVerifier = new HmacUrlVerifier(keys, clock);
    this.prefixVerifier = new PathPrefixVerifier(keys, clock);
  }

  /** The scheme stream-start hands out. */
  public UrlScheme scheme() {
    return scheme;
  }

  /** The signed path and query of {@code path} in the default scheme. */
  public String sign(String path, Instant expiresAt, String sessionId) {
    return sign(scheme, path, expiresAt, sessionId, null);
  }

  /**
   * A playback ticket for {@code path} in the default scheme: what stream-start hands out. It opens a
   * playback session at the edge and is good for nothing else.
   */
  public String signTicket(String path, Instant expiresAt, String sessionId) {
    return signTicketIn(scheme, path, expiresAt, sessionId);
  }

  public String signTicketIn(UrlScheme in, String path, Instant expiresAt, String sessionId) {
    return sign(in, UrlGrant.of(path, expiresAt).forSession(sessionId).asTicket());
  }

  /**
   * @param clientIp the address the URL is bound to, or {@code null} for any
   */
  public String sign(UrlScheme in, String path, Instant expiresAt, String sessionId, String clientIp) {
    return sign(in, UrlGrant.of(path, expiresAt).forSession(sessionId).boundTo(clientIp));
  }

  private String sign(UrlScheme in, UrlGrant grant) {
    return switch (in) {
      case KEYCARD -> querySigner.sign(grant);
      case PREFIX -> prefixSigner.sign(grant);
      case NGINX, CLOUDFRONT -> throw new IllegalArgumentException("keycard's edge signs only its own schemes, not " + in);
    };
  }

  /** Checks a request in whichever keycard scheme it carries; never throws for a bad URL. */
  public UrlCheck verify(String rawPath, String rawQuery, String clientIp) {
    return schemeOf(rawPath) == UrlScheme.PREFIX
        ? prefixVerifier.verify(rawPath, rawQuery, clientIp)
        : queryVerifier.verify(rawPath, rawQuery, clientIp);
  }

  public static UrlScheme schemeOf(String rawPath) {
    return rawPath != null && rawPath.startsWith(PREFIX_MARKER) ? UrlScheme.PREFIX : UrlScheme.KEYCARD;
  }
}
