package dev.keycard.server.cli;

import dev.keycard.server.config.Durations;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.stream.UrlScheme;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The live-delivery options of {@code serve} and {@code demo}. */
final class StreamOptions {
  @Option(names = "--edge-port", paramLabel = "PORT", defaultValue = "8081",
      description = "TCP port of the edge (signed media URLs). Default: ${DEFAULT-VALUE}")
  int edgePort;

  @Option(names = "--edge-base-url", paramLabel = "URL",
      description = "How players reach the edge, used in playlist URLs. Default: http://localhost:EDGE-PORT")
  String edgeBaseUrl;

  @Option(names = "--playlist-url-ttl", paramLabel = "DURATION", defaultValue = "5m",
      description = "Life of the playlist URL stream-start hands out, 1m to 10m. Default: ${DEFAULT-VALUE}")
  String playlistUrlTtl;

  @Option(names = "--playback-session-ttl", paramLabel = "DURATION", defaultValue = "8h",
      description = "How long a player keeps playing once it opened a playlist URL (the URLs it reloads live "
          + "this long, unless the viewer's session is revoked; with nginx and cloudfront, the token or cookies "
          + "live this long and revocation is by expiry only), 1m to 7d. Default: ${DEFAULT-VALUE}")
  String playbackSessionTtl;

  @Option(names = "--playback-bind-ip",
      description = "Bind a playback session's URLs to the address that opened it (keycard's edge only; breaks "
          + "players that change networks mid-stream, e.g. phones moving from Wi-Fi to mobile data).")
  boolean playbackBindIp;

  @Option(names = "--url-scheme", paramLabel = "keycard|prefix|nginx|cloudfront", defaultValue = "keycard",
      description = "Signed-URL scheme stream-start hands out: keycard (HMAC query signature) or prefix "
          + "(path-prefix token) at keycard's edge, nginx (secure_link directory token) or cloudfront "
          + "(signed cookies). Default: ${DEFAULT-VALUE}")
  String urlScheme;

  @Mixin
  CdnOptions cdn;

  @Option(names = "--edge-cache-mib", paramLabel = "MIB", defaultValue = "256",
      description = "Segment cache of the edge, in MiB. Default: ${DEFAULT-VALUE}")
  long edgeCacheMib;

  @Option(names = "--no-demo-stream", description = "Do not run the built-in 'demo' live stream (serve only).")
  boolean noDemoStream;

  /**
   * @param alwaysDemo run the demo stream whatever {@code --no-demo-stream} says ({@code keycard demo})
   * @throws IllegalArgumentException naming the option that is wrong
   */
  StreamingConfig toConfig(boolean alwaysDemo, Map<String, String> environment) {
    java.time.Duration ttl = duration("--playlist-url-ttl", playlistUrlTtl);
    java.time.Duration sessionTtl = duration("--playback-session-ttl", playbackSessionTtl);
    if (edgeCacheMib < 1 || edgeCacheMib > 1024L * 1024) {
      throw new IllegalArgumentException("--edge-cache-mib must be between 1 and 1048576");
    }
    return new StreamingConfig(edgePort, edgeBaseUrl == null || edgeBaseUrl.isBlank() ? null : edgeBaseUrl, ttl,
        UrlScheme.parse(urlScheme), alwaysDemo || !noDemoStream, edgeCacheMib * 1024 * 1024, sessionTtl, playbackBindIp,
        cdn.toConfig(environment));
  }

  private static java.time.Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
