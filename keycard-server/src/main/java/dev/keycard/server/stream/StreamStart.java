package dev.keycard.server.stream;

import dev.keycard.core.token.AccessToken;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/stream/start}'s decision: is the token entitled to the stream, and if so, the
 * signed URL of its playlist at the edge.
 *
 * <p>The URL carries a playback-session id: the token's {@code sid} claim (its refresh-token family,
 * RFC 9068 §2.2 leaves {@code sid} to the issuer), so revoking that family (logout, refresh-token
 * reuse, an admin) makes the edge refuse every URL of this playback. A token without a family
 * (client credentials) gets a random id. The id is no secret: it is already readable in the JWT and
 * grants nothing by itself.
 */
public final class StreamStart {
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_TTL = Duration.ofMinutes(10);
  /** The alphabet signed URLs allow for session ids. */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final StartResult UNKNOWN = new StartResult.UnknownStream();

  private final StreamRegistry registry;
  private final PlaybackUrls urls;
  private final String edgeBaseUrl;
  private final Duration ttl;
  private final InstantSource clock;
  private final SecureRandom random;

  /**
   * @param edgeBaseUrl where players reach the edge, e.g. {@code http://localhost:8081}, no trailing slash
   * @param ttl         how long the playlist URL works, 1 to 10 minutes
   */
  public StreamStart(StreamRegistry registry, PlaybackUrls urls, String edgeBaseUrl, Duration ttl,
      InstantSource clock, SecureRandom random) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.urls = Objects.requireNonNull(urls, "urls");
    this.edgeBaseUrl = Objects.requireNonNull(edgeBaseUrl, "edgeBaseUrl");
    if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--playlist-url-ttl must be between 1m and 10m");
    }
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Entitlement is checked before existence, so a token that may watch nothing cannot probe which
   * stream ids exist.
   */
  public StartResult start(AccessToken token, StreamId stream) {
    if (!StreamScopes.canWatch(token.scopes(), stream)) {
      return new StartResult.NotEntitled(StreamScopes.watchScope(stream));
    }
    if (!registry.isRegistered(stream)) {
      return UNKNOWN;
    }
    Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
    return new StartResult.Started(edgeBaseUrl + urls.sign(stream.entryPlaylistPath(), expiresAt, sessionId(token)), expiresAt);
  }

  public String edgeBaseUrl() {
    return edgeBaseUrl;
  }

  public Duration ttl() {
    return ttl;
  }

  private String sessionId(AccessToken token) {
    String sid = token.sessionId();
    if (sid != null && SESSION_ID.matcher(sid).matches()) {
      return sid;
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return "p-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
