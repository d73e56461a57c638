package dev.keycard.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a running keycard shows what it does: the management listener ({@code GET /metrics} in the
 * Prometheus text format, and the health probes) and the audit trail (one JSON line per security
 * decision).
 *
 * <p>The management listener is a listener of its own, never the API's or the edge's: metrics name
 * clients, reasons and volumes that the public has no business reading, so it binds to loopback unless
 * told otherwise, and a scraper reaches it through the host's network, not the load balancer.
 *
 * @param managementHost the address the management listener binds to
 * @param managementPort its port; 0 picks a free one (tests), {@link #OFF} runs none
 * @param auditLog       where audit lines go
 */
public record Observability(String managementHost, int managementPort, AuditTarget auditLog) {
  /** {@code --management-port off}. */
  public static final int OFF = -1;
  /** The port {@code keycard serve} listens on for {@code /metrics} unless told otherwise (Prometheus exporters' range). */
  public static final int DEFAULT_MANAGEMENT_PORT = 9464;

  public Observability {
    Objects.requireNonNull(managementHost, "managementHost");
    Objects.requireNonNull(auditLog, "auditLog");
    if (managementPort < OFF || managementPort > 65_535) {
      throw new IllegalArgumentException("--management-port must be 0 to 65535 or off");
    }
  }

  /**
   * For servers started from code (tests, embedding): the management listener on a free loopback
   * port, so that servers side by side never fight over one; the audit log in the data directory.
   * {@code keycard serve} listens on {@link #DEFAULT_MANAGEMENT_PORT} instead.
   */
  public static Observability defaults() {
    return new Observability("127.0.0.1", 0, AuditTarget.DEFAULT);
  }

  public boolean managementEnabled() {
    return managementPort != OFF;
  }

  public Observability withManagementPort(int port) {
    return new Observability(managementHost, port, auditLog);
  }

  public Observability withAuditLog(AuditTarget target) {
    return new Observability(managementHost, managementPort, target);
  }

  /** Where the audit trail is written. */
  public sealed interface AuditTarget {
    /** {@code <data-dir>/audit.log}. */
    AuditTarget DEFAULT = new InDataDirectory();
    /** {@code --audit-log off}: no audit trail. */
    AuditTarget OFF = new Off();
    /** {@code --audit-log -}: standard output (a container's log collector keeps it apart by stream). */
    AuditTarget STANDARD_OUTPUT = new StandardOutput();

    record InDataDirectory() implements AuditTarget {}

    record File(Path path) implements AuditTarget {
      public File {
        Objects.requireNonNull(path, "path");
      }
    }

    record StandardOutput() implements AuditTarget {}

    record Off() implements AuditTarget {}

    /** {@code off}, {@code -} or a file name, as {@code --audit-log} takes it. */
    static AuditTarget parse(String value) {
      if (value == null || value.isBlank()) {
        return DEFAULT;
      }
      return switch (value.strip()) {
        case "off" -> OFF;
        case "-" -> STANDARD_OUTPUT;
        default -> new File(Path.of(value.strip()));
      };
    }

    /** The file written, or {@code null} for standard output or none. */
    default Path path(Path dataDir) {
      return switch (this) {
        case InDataDirectory d -> dataDir.resolve("audit.log");
        case File f -> f.path();
        case StandardOutput s -> null;
        case Off o -> null;
      };
    }
  }

  /** Parses the options' values; messages name the option. */
  public static Observability parse(String host, String port, String auditLog) {
    int p;
    String value = port == null ? String.valueOf(DEFAULT_MANAGEMENT_PORT) : port.strip();
    if (value.equals("off")) {
      p = OFF;
    } else {
      try {
        p = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--management-port must be a port number (0 for any free one) or off");
      }
      if (p < 0 || p > 65_535) {
        throw new IllegalArgumentException("--management-port must be 0 to 65535 or off");
      }
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--management-host must not be empty");
    }
    return new Observability(host.strip(), p, AuditTarget.parse(auditLog));
  }
}
