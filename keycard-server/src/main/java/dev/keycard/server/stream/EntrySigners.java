package dev.keycard.server.stream;

import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.StreamingConfig;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Chooses the {@link EntrySigner} of a {@code --url-scheme}: the one place that does, for
 * stream-start and for {@code keycard sign-url}.
 */
public final class EntrySigners {
  private EntrySigners() {}

  /** Stream-start's signer: playlist URL life for keycard's edge, playback session life for nginx and CloudFront. */
  public static EntrySigner forScheme(StreamingConfig config, PlaybackUrls urls, String edgeBaseUrl, InstantSource clock) {
    return forScheme(config.urlScheme(), config.cdn(),
        config.urlScheme().servedByEdge() ? config.playlistUrlTtl() : config.playbackSessionTtl(),
        config.playbackSessionTtl(), urls, edgeBaseUrl, clock);
  }

  /**
   * @param ttl         how long the entry URL (or the cookies) work
   * @param sessionTtl  how long playback lasts once started: for keycard's edge the playback session the
   *                    ticket opens; nginx and CloudFront URLs are the session, so it equals {@code ttl}
   * @param urls        keycard's own schemes, for the edge
   * @param edgeBaseUrl where players reach keycard's edge
   * @throws IllegalArgumentException when the scheme lacks its secret or key, or cannot sign with it
   *                                  (checked when built, not at a request)
   */
  public static EntrySigner forScheme(UrlScheme scheme, CdnConfig cdn, Duration ttl, Duration sessionTtl,
      PlaybackUrls urls, String edgeBaseUrl, InstantSource clock) {
    cdn.requireSigningParts(scheme);
    return switch (scheme) {
      case KEYCARD, PREFIX -> new EdgeEntrySigner(urls, edgeBaseUrl, ttl, sessionTtl, clock);
      case NGINX -> new NginxEntrySigner(NginxDirectoryToken.of(cdn.nginxSecret(), false), cdn.mediaBaseUrl(), ttl, clock);
      case CLOUDFRONT -> new CloudFrontEntrySigner(cdn.cloudFrontSigner(), cdn.mediaBaseUrl(), cdn.cloudFrontCookieDomain(),
          ttl, clock);
    };
  }
}
