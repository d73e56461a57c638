package dev.keycard.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One security decision, as the audit trail records it. Tokens are named by their {@code jti} and
 * session ({@code sid}) only: an event never holds a token, password, secret or signed URL, so no
 * field here may be filled from one.
 *
 * @param time      when the decision was taken
 * @param action    what was decided about
 * @param outcome   the decision's result in a word ({@code success}, {@code failure}, {@code refused}, ...)
 * @param reason    why, as a stable code ({@code invalid_grant}, {@code revoked}, ...), or {@code null}
 * @param subject   the user (or, for client credentials, the client) it concerns, or {@code null}
 * @param clientId  the OAuth client, or {@code null}
 * @param sessionId the login session (refresh-token family, {@code sid}), or {@code null}
 * @param tokenId   the access token's {@code jti}, or {@code null}
 * @param clientIp  the caller's address as the trusted-proxy rule resolved it, or {@code null}
 * @param country   the ISO country of {@code clientIp} where known, or {@code null}
 * @param details   further fields of this kind of event (an anomaly's kind, a stream id); never secrets
 */
public record AuditEvent(
    Instant time,
    AuditAction action,
    String outcome,
    String reason,
    String subject,
    String clientId,
    String sessionId,
    String tokenId,
    String clientIp,
    String country,
    Map<String, String> details) {

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /** An event with only its time, action and outcome; the {@code with...} copies fill in the rest. */
  public static AuditEvent of(Instant time, AuditAction action, String outcome) {
    return new AuditEvent(time, action, outcome, null, null, null, null, null, null, null, Map.of());
  }

  public AuditEvent withReason(String value) {
    return new AuditEvent(time, action, outcome, value, subject, clientId, sessionId, tokenId, clientIp, country, details);
  }

  public AuditEvent withSubject(String value) {
    return new AuditEvent(time, action, outcome, reason, value, clientId, sessionId, tokenId, clientIp, country, details);
  }

  public AuditEvent withClient(String value) {
    return new AuditEvent(time, action, outcome, reason, subject, value, sessionId, tokenId, clientIp, country, details);
  }

  public AuditEvent withSession(String value) {
    return new AuditEvent(time, action, outcome, reason, subject, clientId, value, tokenId, clientIp, country, details);
  }

  public AuditEvent withTokenId(String value) {
    return new AuditEvent(time, action, outcome, reason, subject, clientId, sessionId, value, clientIp, country, details);
  }

  public AuditEvent withClientIp(String value) {
    return new AuditEvent(time, action, outcome, reason, subject, clientId, sessionId, tokenId, value, country, details);
  }

  public AuditEvent withCountry(String value) {
    return new AuditEvent(time, action, outcome, reason, subject, clientId, sessionId, tokenId, clientIp, value, details);
  }

  public AuditEvent withDetails(Map<String, String> value) {
    return new AuditEvent(time, action, outcome, reason, subject, clientId, sessionId, tokenId, clientIp, country, value);
  }
}
