package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Entry URLs for keycard's own edge, in the configured keycard scheme (query signature or prefix
 * token): a playback ticket for the stream's playlist, living {@code --playlist-url-ttl}. The edge
 * answers it with a multivariant playlist whose media playlist URLs are signed for the playback
 * session, so the ticket itself only opens playback and expires when stream-start says.
 */
public final class EdgeEntrySigner implements EntrySigner {
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_TTL = Duration.ofMinutes(10);

  private final PlaybackUrls urls;
  private final String edgeBaseUrl;
  private final Duration ttl;
  private final Duration sessionTtl;
  private final InstantSource clock;

  /**
   * @param edgeBaseUrl where players reach the edge, e.g. {@code http://localhost:8081}, no trailing slash
   * @param ttl         how long the entry URL works, 1 to 10 minutes
   * @param sessionTtl  how long the playback session the edge opens with it lasts
   */
  public EdgeEntrySigner(PlaybackUrls urls, String edgeBaseUrl, Duration ttl, Duration sessionTtl, InstantSource clock) {
    this.urls = Objects.requireNonNull(urls, "urls");
    this.edgeBaseUrl = Objects.requireNonNull(edgeBaseUrl, "edgeBaseUrl");
    if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--playlist-url-ttl must be between 1m and 10m");
    }
    this.ttl = ttl;
    this.sessionTtl = Objects.requireNonNull(sessionTtl, "sessionTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public StartResult.Started sign(StreamId stream, String sessionId) {
    Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
    return new StartResult.Started(edgeBaseUrl + urls.signTicket(stream.entryPlaylistPath(), expiresAt, sessionId),
        expiresAt, sessionTtl);
  }

  public String edgeBaseUrl() {
    return edgeBaseUrl;
  }
}
