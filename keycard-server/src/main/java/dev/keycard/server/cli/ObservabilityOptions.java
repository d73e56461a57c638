package dev.keycard.server.cli;

import dev.keycard.server.config.Observability;
import dev.keycard.server.config.ServerConfig;
import picocli.CommandLine.Option;

/** {@code --management-port}, {@code --management-host} and {@code --audit-log}. */
final class ObservabilityOptions {
  @Option(names = "--management-port", paramLabel = "PORT|off", defaultValue = "9464",
      description = "Port of the management listener (GET /metrics in the Prometheus format, /health/live, "
          + "/health/ready), apart from the API and the edge; 0 for any free port, off for none. Default: ${DEFAULT-VALUE}")
  String managementPort;

  @Option(names = "--management-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address of the management listener. Keep it off the public network. Default: ${DEFAULT-VALUE}")
  String managementHost;

  @Option(names = "--audit-log", paramLabel = "FILE|-|off",
      description = "The audit trail: one JSON line per security decision, appended to FILE; - for standard output, "
          + "off for none. Default: DATA-DIR/audit.log")
  String auditLog;

  /** {@code config} with these options' settings. */
  ServerConfig applyTo(ServerConfig config) {
    return config.withAbuse(config.abuse().withObservability(
        Observability.parse(managementHost, managementPort, auditLog)));
  }
}
