package dev.keycard.store.postgres;

import dev.keycard.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How the PostgreSQL stores talk to the database: one statement per call where one statement can do
 * the work (PostgreSQL's {@code INSERT … ON CONFLICT}, {@code UPDATE … RETURNING} and data-modifying
 * {@code WITH}), so most calls are one round trip and one commit. Failures are told apart by SQLSTATE
 * alone, never by a driver class: a unique violation ({@code 23505}) is what the store interfaces
 * report as {@link IllegalStateException}; anything else (connection refused or lost, a statement
 * timeout, the pool's connection timeout) is an outage, {@link StoreUnavailableException}, answered
 * 503.
 */
final class Sql {
  private static final String UNIQUE_VIOLATION = "23505";

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Transaction-scoped advisory locks (one number each) that make one kind of writer take turns. */
  enum Lock {
    REVOCATIONS(1), SIGNING_KEYS(2), URL_SIGNING_KEYS(3);

    /** "keycard" in ASCII, shifted: keeps our lock numbers apart from another application's on the database. */
    private static final long NAMESPACE = 0x6b65796361726400L;
    final long key;

    Lock(int n) {
      this.key = NAMESPACE + n;
    }
  }

  private final DataSource dataSource;

  Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  int update(String sql, Object... params) {
    return withConnection(c -> update(c, sql, params));
  }

  <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return withConnection(c -> query(c, sql, mapper, params));
  }

  <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
    List<T> rows = query(sql, mapper, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /**
   * Runs {@code work} in one transaction holding {@code lock} until it commits (or rolls back): writers
   * of that lock run one after another across every connection and instance on the database.
   */
  <T> T locked(Lock lock, Work<T> work) {
    return transaction(c -> {
      query(c, "SELECT pg_advisory_xact_lock(?)", rs -> null, lock.key);
      return work.run(c);
    });
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  <T> T transaction(Work<T> work) {
    return withConnection(c -> {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        if (!c.isClosed()) {
          c.setAutoCommit(true);
        }
      }
    });
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    }
  }

  static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * What {@code timestamptz} keeps of {@code instant}: whole microseconds. Cut here rather than left to
   * the server, which would round, so a stored time is never later than the one given.
   */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private <T> T withConnection(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new IllegalStateException("already exists", e);
      }
      throw new StoreUnavailableException("database unavailable", e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException broken) {
      // The connection is gone (that is usually why we are here); the pool discards it.
    }
  }

  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      switch (p) {
        case null -> ps.setNull(i + 1, Types.NULL);
        case Instant instant -> ps.setObject(i + 1, timestamp(instant));
        case byte[] bytes -> ps.setBytes(i + 1, bytes);
        default -> ps.setObject(i + 1, p);
      }
    }
  }
}
