package dev.keycard.server.anomaly;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader.FileMode;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import dev.keycard.core.geo.Geolocation;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Geolocation} from a MaxMind GeoIP2 or GeoLite2 City database ({@code --geoip-database}),
 * memory-mapped: a lookup walks the mapped tree in this process and decodes the record it finds (tens
 * of microseconds on a busy machine, see {@link #open}), and its answer is kept per address, so repeated
 * addresses cost a cache hit; the detector looks up only when an account's address changes. Only address
 * literals are looked up (never DNS).
 */
public final class MaxMindGeolocation implements Geolocation, AutoCloseable {
  private static final long CACHED_ADDRESSES = 100_000;
  private static final Duration CACHE_LIFE = Duration.ofHours(1);

  private final DatabaseReader reader;
  private final String description;
  private final Cache<String, Optional<Location>> cache =
      Caffeine.newBuilder().maximumSize(CACHED_ADDRESSES).expireAfterWrite(CACHE_LIFE).build();

  private MaxMindGeolocation(DatabaseReader reader) {
    this.reader = reader;
    var metadata = reader.getMetadata();
    this.description = metadata.getDatabaseType() + " of " + metadata.getBuildDate().toInstant();
  }

  /**
   * @throws IllegalArgumentException when the file cannot be read or is not a City database, naming
   *                                  the option (the path is the operator's own, not a secret)
   */
  public static MaxMindGeolocation open(Path database) {
    Objects.requireNonNull(database, "database");
    DatabaseReader reader;
    try {
      // CHMCache keeps decoded records by their place in the file: many addresses share a city's record,
      // and decoding it is most of a lookup's cost (measured: 36 us without, 14 us with, per random
      // IPv4 address not cached per address, on the shared 2-core machine at load 16).
      reader = new DatabaseReader.Builder(database.toFile()).fileMode(FileMode.MEMORY_MAPPED)
          .withCache(new CHMCache()).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--geoip-database " + database + " is not a readable MaxMind database: "
          + e.getClass().getSimpleName(), e);
    }
    String type = reader.getMetadata().getDatabaseType();
    if (type == null || !type.contains("City")) {
      closeQuietly(reader);
      throw new IllegalArgumentException("--geoip-database " + database + " is a " + type
          + " database; anomaly detection needs a City database (GeoLite2-City or GeoIP2-City) for locations");
    }
    return new MaxMindGeolocation(reader);
  }

  /** The database's type and build date, for the start-up line. */
  public String description() {
    return description;
  }

  @Override
  public Optional<Location> locate(String ip) {
    if (ip == null) {
      return Optional.empty();
    }
    return cache.get(ip, this::lookUp);
  }

  private Optional<Location> lookUp(String ip) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      Optional<CityResponse> city = reader.tryCity(InetAddress.getByAddress(bytes));
      if (city.isEmpty() || city.get().getLocation() == null) {
        return Optional.empty();
      }
      var location = city.get().getLocation();
      if (location.getLatitude() == null || location.getLongitude() == null) {
        return Optional.empty();
      }
      String country = city.get().getCountry() == null ? null : city.get().getCountry().getIsoCode();
      Integer radius = location.getAccuracyRadius();
      return Optional.of(new Location(country, location.getLatitude(), location.getLongitude(),
          radius == null ? 0 : radius));
    } catch (UnknownHostException | GeoIp2Exception e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closeQuietly(reader);
  }

  private static void closeQuietly(DatabaseReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // a memory-mapped reader has nothing to flush
    }
  }
}
