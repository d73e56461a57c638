package dev.keycard.server.store.h2;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link RevocationStore} in the {@code revocations} table, a log in save order. A save draws its
 * sequence number from the {@code revocations} counter row of {@code store_locks} and inserts in the
 * same transaction, holding that row's lock until it commits: saves commit in the order of their
 * numbers, so a reader that has seen {@code n} never finds a smaller one later (an identity column
 * would not promise that: two transactions can commit in the other order than they drew).
 */
final class H2RevocationStore implements RevocationStore {
  private static final String LOCK = "revocations";

  private final Sql sql;

  H2RevocationStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public void save(String id, Instant until) {
    sql.lockedTransaction(LOCK, (c, sequence) ->
        Sql.update(c, "INSERT INTO revocations (seq, id, revoked_until) VALUES (?, ?, ?)", sequence, id, until));
  }

  @Override
  public List<Revocation> revokedAfter(long sequence, int max) {
    return sql.query("SELECT seq, id, revoked_until FROM revocations WHERE seq > ? ORDER BY seq FETCH FIRST ? ROWS ONLY",
        rs -> new Revocation(rs.getLong("seq"), rs.getString("id"), Sql.instant(rs, "revoked_until")), sequence, max);
  }

  @Override
  public int purgeExpired(Instant before) {
    return sql.update("DELETE FROM revocations WHERE revoked_until < ?", before);
  }
}
