package dev.keycard.server.config;

import dev.keycard.server.stream.UrlScheme;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Live delivery settings: the edge listener, the URLs stream-start hands out, the built-in demo
 * stream. Validated when built; a bad value names its option.
 *
 * @param edgePort        the edge's TCP port (0: a random one, for tests)
 * @param edgeBaseUrl     where players reach the edge ({@code http(s)://host[:port]}), or {@code null}
 *                        for {@code http://localhost:<bound edge port>}
 * @param playlistUrlTtl  how long a playlist URL from stream-start works, 1 to 10 minutes
 * @param urlScheme       the signed-URL scheme stream-start hands out
 * @param demoStream      whether the built-in {@code demo} stream is live
 * @param edgeCacheBytes  the edge's segment cache bound
 * @param playbackSessionTtl   how long a playback session opened with a playlist URL lasts, 1 minute
 *                             to 7 days: the life of the URLs a player reloads for as long as it plays
 *                             (keycard's edge), of nginx's directory token and of CloudFront's cookies
 * @param bindPlaybackToClient whether a playback session's URLs work only from the address that
 *                             opened it (keycard's edge only)
 * @param cdn                  nginx and CloudFront delivery: origin secret, media base URL, secrets, keys
 */
public record StreamingConfig(int edgePort, String edgeBaseUrl, Duration playlistUrlTtl, UrlScheme urlScheme,
    boolean demoStream, long edgeCacheBytes, Duration playbackSessionTtl, boolean bindPlaybackToClient, CdnConfig cdn) {

  public static final Duration DEFAULT_PLAYLIST_URL_TTL = Duration.ofMinutes(5);
  public static final long DEFAULT_EDGE_CACHE_BYTES = 256L * 1024 * 1024;
  public static final Duration DEFAULT_PLAYBACK_SESSION_TTL = Duration.ofHours(8);
  public static final Duration MIN_PLAYBACK_SESSION_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_PLAYBACK_SESSION_TTL = Duration.ofDays(7);

  public StreamingConfig {
    require(edgePort >= 0 && edgePort <= 65_535, "--edge-port must be between 0 and 65535, not " + edgePort);
    Objects.requireNonNull(playlistUrlTtl, "--playlist-url-ttl");
    require(playlistUrlTtl.compareTo(Duration.ofMinutes(1)) >= 0 && playlistUrlTtl.compareTo(Duration.ofMinutes(10)) <= 0,
        "--playlist-url-ttl must be between 1m and 10m");
    Objects.requireNonNull(urlScheme, "--url-scheme");
    require(edgeCacheBytes >= 1024 * 1024, "--edge-cache-mib must be at least 1");
    Objects.requireNonNull(playbackSessionTtl, "--playback-session-ttl");
    require(playbackSessionTtl.compareTo(MIN_PLAYBACK_SESSION_TTL) >= 0
        && playbackSessionTtl.compareTo(MAX_PLAYBACK_SESSION_TTL) <= 0, "--playback-session-ttl must be between 1m and 7d");
    if (edgeBaseUrl != null) {
      edgeBaseUrl = checkBaseUrl(edgeBaseUrl, "--edge-base-url");
    }
    Objects.requireNonNull(cdn, "cdn");
    requireSchemeParts(urlScheme, cdn);
    // nginx and CloudFront see addresses stream-start cannot know (proxies, NAT): nothing to bind to.
    require(!bindPlaybackToClient || urlScheme.servedByEdge(),
        "--playback-bind-ip works with keycard's edge only, not with --url-scheme " + urlScheme.optionValue());
  }

  /** Without nginx or CloudFront delivery. */
  public StreamingConfig(int edgePort, String edgeBaseUrl, Duration playlistUrlTtl, UrlScheme urlScheme,
      boolean demoStream, long edgeCacheBytes, Duration playbackSessionTtl, boolean bindPlaybackToClient) {
    this(edgePort, edgeBaseUrl, playlistUrlTtl, urlScheme, demoStream, edgeCacheBytes, playbackSessionTtl,
        bindPlaybackToClient, CdnConfig.NONE);
  }

  /** Defaults for a server started from code (tests): a random edge port, the demo stream on. */
  public static StreamingConfig defaults() {
    return new StreamingConfig(0, null, DEFAULT_PLAYLIST_URL_TTL, UrlScheme.KEYCARD, true, DEFAULT_EDGE_CACHE_BYTES,
        DEFAULT_PLAYBACK_SESSION_TTL, false);
  }

  public StreamingConfig withUrlScheme(UrlScheme scheme) {
    return new StreamingConfig(edgePort, edgeBaseUrl, playlistUrlTtl, scheme, demoStream, edgeCacheBytes,
        playbackSessionTtl, bindPlaybackToClient, cdn);
  }

  public StreamingConfig withPlaylistUrlTtl(Duration ttl) {
    return new StreamingConfig(edgePort, edgeBaseUrl, ttl, urlScheme, demoStream, edgeCacheBytes,
        playbackSessionTtl, bindPlaybackToClient, cdn);
  }

  public StreamingConfig withPlaybackSession(Duration ttl, boolean bindToClient) {
    return new StreamingConfig(edgePort, edgeBaseUrl, playlistUrlTtl, urlScheme, demoStream, edgeCacheBytes, ttl,
        bindToClient, cdn);
  }

  /** A copy delivering through nginx or CloudFront (or serving origin pull only). */
  public StreamingConfig withCdn(UrlScheme scheme, CdnConfig cdnConfig) {
    return new StreamingConfig(edgePort, edgeBaseUrl, playlistUrlTtl, scheme, demoStream, edgeCacheBytes,
        playbackSessionTtl, bindPlaybackToClient, cdnConfig);
  }

  /** The base URL to use once the edge listens on {@code boundPort}. */
  public String edgeBaseUrl(int boundPort) {
    return edgeBaseUrl(false, boundPort);
  }

  /** {@link #edgeBaseUrl(int)} for an edge that serves TLS ({@code https}) or not. */
  public String edgeBaseUrl(boolean tls, int boundPort) {
    return edgeBaseUrl != null ? edgeBaseUrl : (tls ? "https" : "http") + "://localhost:" + boundPort;
  }

  /** {@code http(s)://host[:port]} without path, query or fragment; a trailing slash is dropped. */
  public static String checkBaseUrl(String url, String option) {
    try {
      URI u = new URI(url);
      require(("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
              && u.getRawUserInfo() == null
              && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
              && u.getRawQuery() == null && u.getRawFragment() == null,
          option + " must be http(s)://host[:port] without a path, not '" + url + "'");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(option + " must be an http(s) URL, not '" + url + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * nginx and CloudFront check media requests on their own and pull from keycard's origin: refuse
   * to start such a scheme without its secret or key, its base URL and the origin secret, rather
   * than hand out URLs nothing can serve.
   */
  private static void requireSchemeParts(UrlScheme scheme, CdnConfig cdn) {
    if (scheme.servedByEdge()) {
      return;
    }
    cdn.requireSigningParts(scheme);
    require(cdn.originPullEnabled(), "--url-scheme " + scheme.optionValue() + " needs the origin secret "
        + scheme.optionValue() + " presents when it pulls from /origin/: KEYCARD_ORIGIN_SECRET or --origin-secret-file");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
