package dev.keycard.server.store.h2;

import dev.keycard.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few JDBC moves the stores share: run a statement, map rows, run work in one transaction. A
 * {@link SQLException} is an infrastructure fault and becomes {@link StoreUnavailableException}
 * (answered 503), except a duplicate key, which the store interfaces report as
 * {@link IllegalStateException}.
 */
final class Sql {
  /** SQLSTATE of a unique-constraint violation. */
  private static final String UNIQUE_VIOLATION = "23505";
  /** SQLSTATE of a deadlock (serialization failure). */
  private static final String DEADLOCK = "40001";
  private static final int H2_CONCURRENT_UPDATE = 90131;
  private static final int H2_LOCK_TIMEOUT = 50200;
  /** A writer waits for at most a few lock timeouts (1 s each in H2) before the caller sees a 503. */
  private static final int LOCK_ATTEMPTS = 5;

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
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
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Runs {@code work} in one transaction that starts with {@link #lock}: writers of {@code lock} run
   * one after another, across every connection and process on the database. H2 may refuse a waiting
   * writer rather than queue it (a lock timeout, or a concurrent-update error when the row changed
   * under it); the whole transaction is then rolled back and run again.
   */
  <T> T lockedTransaction(String lock, LockedWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction(c -> work.run(c, lock(c, lock)));
      } catch (StoreUnavailableException e) {
        if (attempt >= LOCK_ATTEMPTS || !(e.getCause() instanceof SQLException s && isLockConflict(s))) {
          throw e;
        }
      }
    }
  }

  @FunctionalInterface
  interface LockedWork<T> {
    /** @param counter the lock's counter after this transaction's increment: a sequence number */
    T run(Connection c, long counter) throws SQLException;
  }

  /**
   * Takes the row lock {@code name} of {@code store_locks} until the transaction ends, and returns
   * its counter, incremented: numbers drawn this way are committed in the order they are drawn.
   */
  static long lock(Connection c, String name) throws SQLException {
    if (update(c, "UPDATE store_locks SET counter = counter + 1 WHERE name = ?", name) != 1) {
      throw new SQLException("no lock row '" + name + "' in store_locks");
    }
    return query(c, "SELECT counter FROM store_locks WHERE name = ?", rs -> rs.getLong(1), name).getFirst();
  }

  /** H2's "concurrent update in another transaction" error: another transaction changed the row first. */
  static boolean isConcurrentUpdate(SQLException e) {
    return e.getErrorCode() == H2_CONCURRENT_UPDATE;
  }

  private static boolean isLockConflict(SQLException e) {
    return isConcurrentUpdate(e) || e.getErrorCode() == H2_LOCK_TIMEOUT || DEADLOCK.equals(e.getSQLState());
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
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
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

  static boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  private <T> T withConnection(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        throw new IllegalStateException("already exists", e);
      }
      throw new StoreUnavailableException("database unavailable", e);
    }
  }

  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Instant instant) {
        ps.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
      } else if (p == null) {
        ps.setNull(i + 1, Types.NULL);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }
}
