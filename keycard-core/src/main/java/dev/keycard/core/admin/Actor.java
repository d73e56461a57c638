package dev.keycard.core.admin;

import java.util.Objects;

/**
 * Who asks for an administrative action, as the audit trail names them.
 *
 * @param subject   the administrator: the admin token's {@code sub}, or the operating-system user of a CLI command
 * @param clientId  the admin token's client, or {@code null} (CLI)
 * @param sessionId the admin token's {@code sid}, or {@code null}
 * @param clientIp  the caller's address (trusted-proxy rule), or {@code null} (CLI)
 * @param via       {@code api} or {@code cli}
 */
public record Actor(String subject, String clientId, String sessionId, String clientIp, String via) {
  public Actor {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(via, "via");
  }

  /** An operator running a {@code keycard} command on the store directly. */
  public static Actor cli(String operatingSystemUser) {
    return new Actor(operatingSystemUser == null || operatingSystemUser.isBlank() ? "unknown" : operatingSystemUser,
        null, null, null, "cli");
  }
}
