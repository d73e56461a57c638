package dev.keycard.core.geo;

/**
 * A client address's place, as precise as the database is.
 *
 * @param country   ISO 3166-1 alpha-2 code ({@code "DE"}), or {@code null} when unknown
 * @param latitude  degrees, or {@code null} when the database has no coordinates (a country database)
 * @param longitude degrees, or {@code null} likewise
 */
public record Location(String country, Double latitude, Double longitude) {
  public Location {
    if ((latitude == null) != (longitude == null)) {
      throw new IllegalArgumentException("latitude and longitude come together");
    }
  }

  public static Location country(String isoCode) {
    return new Location(isoCode, null, null);
  }
}
