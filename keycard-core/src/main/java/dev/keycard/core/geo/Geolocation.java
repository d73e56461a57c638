package dev.keycard.core.geo;

import java.util.Optional;

/**
 * Where a client address is on the map, as far as a local database knows. Called on event loops
 * (anomaly detection on every bearer check), so implementations answer from memory: no network, no
 * blocking I/O.
 */
@FunctionalInterface
public interface Geolocation {
  /** Knows nowhere: no geographic checks. */
  Geolocation NONE = ip -> Optional.empty();

  /**
   * @param ip an address literal ({@code 203.0.113.7}, {@code 2001:db8::1}); anything else is unknown
   * @return its place, or empty when the address is unknown, private or not an address
   */
  Optional<Location> locate(String ip);

  /**
   * @param country          ISO 3166-1 alpha-2 code, or {@code null} when only the continent is known
   * @param latitude         degrees
   * @param longitude        degrees
   * @param accuracyRadiusKm how far from the point the address may really be (the database's figure)
   */
  record Location(String country, double latitude, double longitude, int accuracyRadiusKm) {
    private static final double EARTH_RADIUS_KM = 6371.0088;

    /** The great-circle (haversine) distance between the two points, ignoring their accuracy. */
    public double distanceKm(Location other) {
      double phi1 = Math.toRadians(latitude);
      double phi2 = Math.toRadians(other.latitude);
      double dPhi = phi2 - phi1;
      double dLambda = Math.toRadians(other.longitude - longitude);
      double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
          + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
      return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }
  }
}
