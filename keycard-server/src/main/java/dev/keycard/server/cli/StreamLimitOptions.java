package dev.keycard.server.cli;

import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.server.config.Durations;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamLimits;
import picocli.CommandLine.Option;

/** The concurrent-stream limit's options of {@code serve}, onto {@link StreamLimits}. */
final class StreamLimitOptions {
  @Option(names = "--max-concurrent-streams", paramLabel = "N", defaultValue = "0",
      description = "Playback sessions one account may have active at once (a session is active while an edge "
          + "serves its URLs, or was started, within --stream-idle-window); a start beyond that gets 403 "
          + "too_many_streams, or evicts (--stream-limit-policy). Shared across instances with --redis-url. "
          + "0: no limit. Default: ${DEFAULT-VALUE}")
  int maxConcurrentStreams;

  @Option(names = "--stream-limit-policy", paramLabel = "refuse|evict-oldest", defaultValue = "refuse",
      description = "A start beyond --max-concurrent-streams is refused (refuse), or succeeds and revokes the "
          + "account's oldest active session, whose player is then refused at every edge (evict-oldest). "
          + "Default: ${DEFAULT-VALUE}")
  String policy;

  @Option(names = "--stream-idle-window", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long a playback session counts as active after its start or its last request at an "
          + "edge, 5s to 10m. Default: ${DEFAULT-VALUE}")
  String idleWindow;

  /** @throws IllegalArgumentException naming the option that is wrong */
  StreamLimits toConfig() {
    StreamLimitPolicy p;
    try {
      p = StreamLimitPolicy.parse(policy);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--stream-limit-policy must be refuse or evict-oldest");
    }
    java.time.Duration window;
    try {
      window = Durations.parse(idleWindow);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--stream-idle-window: " + e.getMessage());
    }
    return new StreamLimits(maxConcurrentStreams, p, window);
  }

  /** {@code config} with these options' limit. */
  ServerConfig applyTo(ServerConfig config) {
    return config.withAbuse(config.abuse().withStreamLimits(toConfig()));
  }
}
