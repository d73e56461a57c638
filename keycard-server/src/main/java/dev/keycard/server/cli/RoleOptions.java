package dev.keycard.server.cli;

import dev.keycard.server.config.Durations;
import dev.keycard.server.config.Roles;
import picocli.CommandLine.Option;

/** {@code serve}'s tiers: which of the API, the edge and the origin this process runs, and where an edge pulls from. */
final class RoleOptions {
  @Option(names = "--roles", paramLabel = "api,edge,origin", defaultValue = "api,edge,origin",
      description = "The tiers this process runs, any of api (login, tokens, stream-start), edge (--edge-port) and "
          + "origin (ingest, /origin/ pull). Default: ${DEFAULT-VALUE}")
  String roles;

  @Option(names = "--origin-url", paramLabel = "URL",
      description = "--roles edge without origin: the origin instance to pull from (its --port), e.g. "
          + "http://origin.internal:8080; it presents the origin secret (KEYCARD_ORIGIN_SECRET or --origin-secret-file).")
  String originUrl;

  @Option(names = "--origin-timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "An edge's fetch from --origin-url fails (502 origin_unavailable) after this long without "
          + "connecting or without a byte, or after four times this in all; 100ms to 60s. Default: ${DEFAULT-VALUE}")
  String originTimeout;

  /** @throws IllegalArgumentException naming the option that is wrong */
  Roles toConfig() {
    java.time.Duration timeout;
    try {
      timeout = Durations.parse(originTimeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--origin-timeout: " + e.getMessage());
    }
    return Roles.parse(roles, originUrl, timeout);
  }
}
