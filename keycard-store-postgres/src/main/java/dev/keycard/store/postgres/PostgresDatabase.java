package dev.keycard.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keycard.core.StoreUnavailableException;
import dev.keycard.core.store.Stores;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL backend: every store on one database shared by any number of keycard instances,
 * behind a HikariCP pool, migrated by Flyway at open ({@code db/postgresql/migration}, PostgreSQL's
 * SQL; Flyway serialises instances migrating at once with an advisory lock).
 *
 * <p>Outages answer fast instead of hanging: a connection is awaited for at most
 * {@link Settings#connectionTimeout} (also pgjdbc's connect timeout), a statement runs for at most
 * {@link Settings#statementTimeout} (PostgreSQL's {@code statement_timeout}), and a database that
 * stops answering altogether is given up after pgjdbc's socket timeout, a little longer. Each ends as a
 * {@code StoreUnavailableException}: a 503 for the request. The pool replaces broken connections by
 * itself, so keycard recovers without a restart when PostgreSQL is back.
 *
 * <p>Durability is PostgreSQL's: keycard leaves {@code synchronous_commit} on, so a rotation or a
 * revocation acknowledged to a client is in the WAL on disk.
 */
public final class PostgresDatabase implements AutoCloseable {
  private static final String MIGRATIONS = "classpath:db/postgresql/migration";

  /**
   * How to reach the database.
   *
   * @param jdbcUrl           {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?…]}; parameters in it win over ours
   * @param user              or {@code null} for the driver's default
   * @param password          or {@code null}; never logged, never in {@link #toString()}
   * @param poolSize          connections at most
   * @param connectionTimeout how long a caller waits for a connection, and a new one for PostgreSQL
   * @param statementTimeout  how long one statement may run on the server
   */
  public record Settings(String jdbcUrl, String user, String password, int poolSize, Duration connectionTimeout,
      Duration statementTimeout) {
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    public Settings {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("not a PostgreSQL JDBC URL");
      }
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be at least 1");
      }
      // HikariCP's floor for connectionTimeout is 250 ms; below a second the driver's timeout rounds to 0 (none).
      if (connectionTimeout.compareTo(Duration.ofSeconds(1)) < 0 || statementTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("the connection and statement timeouts must be at least 1 s");
      }
    }

    /** The defaults: a pool of 10, 3 s to get a connection, 5 s for a statement. */
    public static Settings of(String jdbcUrl, String user, String password) {
      return new Settings(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT,
          DEFAULT_STATEMENT_TIMEOUT);
    }

    public Settings withPoolSize(int size) {
      return new Settings(jdbcUrl, user, password, size, connectionTimeout, statementTimeout);
    }

    public Settings withTimeouts(Duration connection, Duration statement) {
      return new Settings(jdbcUrl, user, password, poolSize, connection, statement);
    }

    @Override
    public String toString() {
      return "Settings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "(hidden)")
          + ", poolSize=" + poolSize + ", connectionTimeout=" + connectionTimeout + ", statementTimeout="
          + statementTimeout + "]";
    }
  }

  private final HikariDataSource dataSource;

  private PostgresDatabase(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Connects and migrates (blocking).
   *
   * @throws StoreUnavailableException when PostgreSQL cannot be reached or refuses the login
   */
  public static PostgresDatabase open(Settings settings) {
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hikari(settings));
    } catch (RuntimeException e) {
      // HikariCP's message names the pool and the driver's reason, never the password.
      throw new StoreUnavailableException("cannot connect to PostgreSQL: " + e.getMessage(), e);
    }
    try {
      Flyway.configure().dataSource(ds).locations(MIGRATIONS).load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new PostgresDatabase(ds);
  }

  private static HikariConfig hikari(Settings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setPoolName("keycard-postgres");
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    config.setAutoCommit(true);
    long connectMillis = settings.connectionTimeout().toMillis();
    config.setConnectionTimeout(connectMillis);
    config.setValidationTimeout(Math.max(250, connectMillis / 2));
    long connectSeconds = Math.max(1, settings.connectionTimeout().toSeconds());
    long statementMillis = settings.statementTimeout().toMillis();
    config.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
    config.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
    // A database that stops answering (a hung host, a dropped network) never sends the statement
    // timeout's error: the socket timeout ends the wait on our side, a little after it.
    config.addDataSourceProperty("socketTimeout", Long.toString(settings.statementTimeout().toSeconds() + 2));
    config.addDataSourceProperty("options", "-c statement_timeout=" + statementMillis
        + " -c idle_in_transaction_session_timeout=" + (statementMillis * 2));
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "keycard");
    return config;
  }

  /** The pool, for tests that look into the database. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Every store on this database; closing them closes the pool. */
  public Stores stores() {
    Sql sql = new Sql(dataSource);
    return new Stores(new PostgresUserStore(sql), new PostgresClientStore(sql), new PostgresRefreshTokenStore(sql),
        new PostgresOpaqueTokenStore(sql), new PostgresRevocationStore(sql), new PostgresSigningKeyStore(sql),
        new PostgresUrlKeyStore(sql), new PostgresStreamStore(sql), new PostgresStreamKeyStore(sql), this::close);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
