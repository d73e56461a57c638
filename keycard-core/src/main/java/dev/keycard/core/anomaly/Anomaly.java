package dev.keycard.core.anomaly;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One unusual use, with the figures that made it so. Names sessions and accounts by id only: never a
 * token.
 *
 * @param kind      what was seen
 * @param time      when
 * @param subject   the account (for client credentials, the client), or {@code null} when unknown (an
 *                  edge that never saw the session's bearer checks)
 * @param clientId  the OAuth client, or {@code null}
 * @param sessionId the login session ({@code sid}), or {@code null} for a token without one
 * @param clientIp  the address of the use that tipped it
 * @param country   that address's country where known, or {@code null}
 * @param figures   the measurements, as text: {@code rate_per_minute}, {@code networks}, {@code speed_kmh}...
 */
public record Anomaly(AnomalyKind kind, Instant time, String subject, String clientId, String sessionId,
    String clientIp, String country, Map<String, String> figures) {

  public Anomaly {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(time, "time");
    figures = figures == null ? Map.of() : Map.copyOf(figures);
  }

  public Anomaly withCountry(String value) {
    return new Anomaly(kind, time, subject, clientId, sessionId, clientIp, value, figures);
  }
}
