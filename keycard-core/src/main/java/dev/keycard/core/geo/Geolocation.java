package dev.keycard.core.geo;

import java.util.Optional;

/**
 * Where a client address is, as far as a geolocation database knows. Implementations answer from
 * memory (a MaxMind database is a memory-mapped file), without I/O per call.
 */
@FunctionalInterface
public interface Geolocation {
  /** Knows no place: what keycard uses when no database is configured. */
  Geolocation NONE = address -> Optional.empty();

  /**
   * @param address a client address as the trusted-proxy rule resolved it (an IPv4 or IPv6 literal);
   *                anything else, or an address the database does not know, gives empty
   */
  Optional<Location> locate(String address);
}
