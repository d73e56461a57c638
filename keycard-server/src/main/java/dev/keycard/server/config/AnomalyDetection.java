package dev.keycard.server.config;

import dev.keycard.core.anomaly.AnomalyDetector;
import dev.keycard.core.anomaly.AnomalyKind;
import dev.keycard.core.geo.Geolocation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The anomaly detectors' thresholds, the GeoIP2 database, and what is done about each kind of anomaly.
 * The thresholds are checked by {@link AnomalyDetector.Builder} (one rule, one place) when the record is
 * made, so a bad value fails at start, naming the option.
 *
 * @param floodCeiling    requests per minute of one session that are a flood whatever its baseline; 0: none
 * @param floodFactor     how many times its own baseline a session's rate must be to be a flood; 0: off
 * @param sharingNetworks more distinct networks (/24, /64) than this within {@code sharingWindow} is sharing
 * @param sharingWindow   the window of the sharing check
 * @param travelSpeedKmh  consecutive uses of an account further apart than this speed allows are impossible travel
 * @param geoipDatabase   a MaxMind GeoIP2/GeoLite2 City database, or {@code null}: no geographic checks
 * @param policies        what each kind of anomaly does; a kind not named is {@link Policy#RECORD}
 */
public record AnomalyDetection(int floodCeiling, double floodFactor, int sharingNetworks, Duration sharingWindow,
    double travelSpeedKmh, Path geoipDatabase, Map<AnomalyKind, Policy> policies) {

  /** What is done about an anomaly, beyond the audit event, the metric and the admin API's list. */
  public enum Policy {
    /** Only recorded. */
    RECORD,
    /** The session is revoked at once: its access tokens and refresh token, and its playback URLs at the edge. */
    REVOKE;

    public String optionValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AnomalyDetection {
    Objects.requireNonNull(sharingWindow, "sharingWindow");
    policies = policies == null || policies.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(policies));
    // Fields are assigned only after a compact constructor's body: the checks get the parameters.
    configure(AnomalyDetector.builder(), floodCeiling, floodFactor, sharingNetworks, sharingWindow, travelSpeedKmh);
  }

  /** No ceiling, 10× baseline, more than 4 networks in 10 minutes, 1,000 km/h, no database, record only. */
  public static AnomalyDetection defaults() {
    return new AnomalyDetection(0, 10, 4, Duration.ofMinutes(10), 1000, null, Map.of());
  }

  public Policy policy(AnomalyKind kind) {
    return policies.getOrDefault(kind, Policy.RECORD);
  }

  /** The detector these settings describe. */
  public AnomalyDetector detector(InstantSource clock, Geolocation geolocation) {
    return configure(AnomalyDetector.builder().clock(clock).geolocation(geolocation), floodCeiling, floodFactor,
        sharingNetworks, sharingWindow, travelSpeedKmh).build();
  }

  /** @throws IllegalArgumentException for a threshold out of range (the builder's rule) */
  private static AnomalyDetector.Builder configure(AnomalyDetector.Builder builder, int floodCeiling,
      double floodFactor, int sharingNetworks, Duration sharingWindow, double travelSpeedKmh) {
    return builder.floodCeiling(floodCeiling).floodFactor(floodFactor).sharingNetworks(sharingNetworks)
        .sharingWindow(sharingWindow).travelSpeedKmh(travelSpeedKmh);
  }

  public AnomalyDetection withPolicies(Map<AnomalyKind, Policy> value) {
    return new AnomalyDetection(floodCeiling, floodFactor, sharingNetworks, sharingWindow, travelSpeedKmh,
        geoipDatabase, value);
  }

  public AnomalyDetection withGeoipDatabase(Path value) {
    return new AnomalyDetection(floodCeiling, floodFactor, sharingNetworks, sharingWindow, travelSpeedKmh, value,
        policies);
  }

  public AnomalyDetection withFloodCeiling(int value) {
    return new AnomalyDetection(value, floodFactor, sharingNetworks, sharingWindow, travelSpeedKmh, geoipDatabase,
        policies);
  }

  public AnomalyDetection withSharing(int networks, Duration window) {
    return new AnomalyDetection(floodCeiling, floodFactor, networks, window, travelSpeedKmh, geoipDatabase, policies);
  }

  /**
   * Parses {@code --anomaly-policy}: {@code kind=policy} pairs, comma separated
   * ({@code flood=revoke,sharing=record}); {@code all=revoke} sets every kind at once.
   *
   * @throws IllegalArgumentException naming the pair that is wrong
   */
  public static Map<AnomalyKind, Policy> parsePolicies(String value) {
    Map<AnomalyKind, Policy> policies = new EnumMap<>(AnomalyKind.class);
    if (value == null || value.isBlank()) {
      return policies;
    }
    for (String entry : value.split(",")) {
      String pair = entry.strip();
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      Policy policy = eq < 0 ? null : switch (pair.substring(eq + 1).strip().toLowerCase(Locale.ROOT)) {
        case "record" -> Policy.RECORD;
        case "revoke" -> Policy.REVOKE;
        default -> null;
      };
      String name = eq < 0 ? pair : pair.substring(0, eq).strip();
      if (policy == null) {
        throw new IllegalArgumentException("--anomaly-policy: '" + pair + "' is not KIND=record or KIND=revoke");
      }
      if (name.equalsIgnoreCase("all")) {
        for (AnomalyKind kind : AnomalyKind.values()) {
          policies.put(kind, policy);
        }
        continue;
      }
      AnomalyKind kind = AnomalyKind.ofWireName(name);
      if (kind == null) {
        throw new IllegalArgumentException("--anomaly-policy: unknown kind '" + name
            + "' (flood, sharing, new_country, impossible_travel or all)");
      }
      policies.put(kind, policy);
    }
    return policies;
  }

  @Override
  public String toString() {
    StringBuilder p = new StringBuilder();
    for (AnomalyKind kind : AnomalyKind.values()) {
      p.append(p.isEmpty() ? "" : ",").append(kind.wireName()).append('=').append(policy(kind).optionValue());
    }
    return "AnomalyDetection[floodCeiling=" + floodCeiling + ", floodFactor=" + floodFactor + ", sharingNetworks="
        + sharingNetworks + ", sharingWindow=" + Durations.format(sharingWindow) + ", travelSpeedKmh=" + travelSpeedKmh
        + ", geoipDatabase=" + geoipDatabase + ", policies=" + p + "]";
  }
}
