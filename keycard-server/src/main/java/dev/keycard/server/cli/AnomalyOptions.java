package dev.keycard.server.cli;

import dev.keycard.server.config.AnomalyDetection;
import dev.keycard.server.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Anomaly detection's options (flood, sharing, geography, policies), mapped onto {@link AnomalyDetection}. */
final class AnomalyOptions {
  @Option(names = "--anomaly-policy", paramLabel = "KIND=POLICY[,...]",
      description = "What each kind of anomaly does: record (the default: audit event, metric, admin API) or revoke "
          + "(also revokes the session at once, its playback URLs included). Kinds: flood, sharing, new_country, "
          + "impossible_travel, or all. Example: flood=revoke,sharing=revoke. Default: all=record")
  String policy;

  @Option(names = "--anomaly-flood-ceiling", paramLabel = "N", defaultValue = "0",
      description = "Requests per minute of one session that are a flood whatever its usual rate; 0: no ceiling. "
          + "Default: ${DEFAULT-VALUE}")
  int floodCeiling;

  @Option(names = "--anomaly-flood-factor", paramLabel = "X", defaultValue = "10",
      description = "A session's requests in a minute (at least 60) above X times its own recent baseline (a moving "
          + "average of its per-minute rate) are a flood; 0: off. Default: ${DEFAULT-VALUE}")
  double floodFactor;

  @Option(names = "--anomaly-sharing-networks", paramLabel = "N", defaultValue = "4",
      description = "One session (or one playback session at the edge) used from more than N networks (/24 for IPv4, "
          + "/64 for IPv6) within --anomaly-sharing-window is shared. Default: ${DEFAULT-VALUE}")
  int sharingNetworks;

  @Option(names = "--anomaly-sharing-window", paramLabel = "DURATION", defaultValue = "10m",
      description = "The window of the sharing check, 1s to 1d. Default: ${DEFAULT-VALUE}")
  String sharingWindow;

  @Option(names = "--anomaly-travel-speed", paramLabel = "KM/H", defaultValue = "1000",
      description = "Consecutive uses of an account further apart (less both places' accuracy radius) than this speed "
          + "allows are impossible travel; needs --geoip-database. Default: ${DEFAULT-VALUE}")
  double travelSpeed;

  @Option(names = "--geoip-database", paramLabel = "FILE",
      description = "A MaxMind GeoLite2-City or GeoIP2-City database (.mmdb), read locally (memory-mapped), for the "
          + "new-country and impossible-travel checks and the country in audit events. Default: none (no geographic "
          + "checks; said at start)")
  Path geoipDatabase;

  /** @throws IllegalArgumentException naming the option that is wrong */
  AnomalyDetection toConfig() {
    if (geoipDatabase != null && !Files.isReadable(geoipDatabase)) {
      throw new IllegalArgumentException("--geoip-database " + geoipDatabase + " is not a readable file");
    }
    try {
      return new AnomalyDetection(floodCeiling, floodFactor, sharingNetworks, Durations.parse(sharingWindow),
          travelSpeed, geoipDatabase, AnomalyDetection.parsePolicies(policy));
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(message != null && message.startsWith("--") ? message
          : "anomaly options: " + message + " (--anomaly-flood-ceiling, --anomaly-flood-factor, "
              + "--anomaly-sharing-networks, --anomaly-sharing-window, --anomaly-travel-speed)", e);
    }
  }
}
