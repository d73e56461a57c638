package dev.keycard.server.store.h2;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keycard.core.store.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The embedded backend: an H2 database in the data directory, behind a HikariCP pool, migrated by
 * Flyway at open ({@code db/h2/migration}: H2's SQL, like every statement in this package).
 *
 * <ul>
 *   <li>{@code AUTO_SERVER=TRUE}: the first process to open the file serves it over loopback TCP to the
 *       others, so {@code keycard users add} or {@code keycard keys rotate} work while the server runs. That
 *       server listens on loopback only (see the static initialiser).
 *   <li>{@code WRITE_DELAY=0}: H2's MVStore otherwise writes committed changes to the file up to 500 ms
 *       later, in a background thread; with 0 each commit is written to the file before it returns, so a
 *       killed process (SIGKILL) loses no committed refresh-token rotation or revocation. (It is not an
 *       fsync: a power loss can still lose the last commits; a durable deployment uses a real database.)
 * </ul>
 */
public final class H2Database implements AutoCloseable {
  static {
    // AUTO_SERVER starts H2's TCP server with -tcpAllowOthers: on every interface. Only local
    // processes (the CLI) need it, so bind it to loopback unless the operator decided otherwise.
    // H2 reads this once, when its classes load, which is after this class initialises.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  private static final String MIGRATIONS = "classpath:db/h2/migration";

  private final HikariDataSource dataSource;

  private H2Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates the data directory (0700: it holds private keys) when missing, opens and migrates. */
  public static H2Database open(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    createPrivateDirectory(dir);
    String url = "jdbc:h2:file:" + dir.resolve("keycard") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    return open(url, 10);
  }

  static H2Database open(String jdbcUrl, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername("keycard");
    config.setPassword("");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setPoolName("keycard-db");
    config.setConnectionTimeout(5_000);
    config.setAutoCommit(true);
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(ds).locations(MIGRATIONS).load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new H2Database(ds);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Every store on this database; closing them closes the database. */
  public Stores stores() {
    return new Stores(new H2UserStore(dataSource), new H2ClientStore(dataSource), new H2RefreshTokenStore(dataSource),
        new H2OpaqueTokenStore(dataSource), new H2RevocationStore(dataSource), new H2SigningKeyStore(dataSource),
        new H2UrlKeyStore(dataSource), new H2StreamStore(dataSource), new H2StreamKeyStore(dataSource), this::close);
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // createDirectories applies the umask; set the mode explicitly as well.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } else {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
  }
}
