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
 * the URIs of the playlists it rewrites. Thread-safe: {@link #useKeys} swaps in signers and verifiers
 * built from another key set (a key another instance stored), which a request picks up with one
 * volatile read.
 */
public final class PlaybackUrls {
  private static final String PREFIX_MARKER = "/t/";

  /** Everything built from one key set, swapped as a whole. */
  private record Signers(UrlSigningKeys keys, HmacUrlSigner querySigner, PathPrefixSigner prefixSigner,
      HmacUrlVerifier queryVerifier, PathPrefixVerifier prefixVerifier) {}

  private final UrlScheme scheme;
  private final InstantSource clock;
  private volatile Signers signers;

  public PlaybackUrls(UrlSigningKeys keys, UrlScheme scheme, InstantSource clock) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signers = signers(keys);
  }

  private Signers signers(UrlSigningKeys keys) {
    Objects.requireNonNull(keys, "keys");
    return new Signers(keys, new HmacUrlSigner(keys), new PathPrefixSigner(keys), new HmacUrlVerifier(keys, clock),
        new PathPrefixVerifier(keys, clock));
  }

  /**
   * Signs with {@code keys} from now on, and accepts URLs signed with any of them; a set equal to the
   * one in use changes nothing.
   */
  public void useKeys(UrlSigningKeys keys) {
    if (!signers.keys().keys().equals(keys.keys())) {
      signers = signers(keys);
    }
  }

  /** The key set in use. */
  public UrlSigningKeys keys() {
    return signers.keys();
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
      case KEYCARD -> signers.querySigner().sign(grant);
      case PREFIX -> signers.prefixSigner().sign(grant);
      case NGINX, CLOUDFRONT -> throw new IllegalArgumentException("keycard's edge signs only its own schemes, not " + in);
    };
  }

  /** Checks a request in whichever keycard scheme it carries; never throws for a bad URL. */
  public UrlCheck verify(String rawPath, String rawQuery, String clientIp) {
    Signers current = signers;
    return schemeOf(rawPath) == UrlScheme.PREFIX
        ? current.prefixVerifier().verify(rawPath, rawQuery, clientIp)
        : current.queryVerifier().verify(rawPath, rawQuery, clientIp);
  }

  public static UrlScheme schemeOf(String rawPath) {
    return rawPath != null && rawPath.startsWith(PREFIX_MARKER) ? UrlScheme.PREFIX : UrlScheme.KEYCARD;
  }
}
