package dev.keycard.store.postgres;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import java.time.Instant;
import java.util.List;

/**
 * {@link RevocationStore} in the {@code revocations} table, a log numbered by its identity column. A
 * save takes the {@link Sql.Lock#REVOCATIONS} advisory lock before it draws its number and holds it
 * until it has committed: numbers become visible in the order they were drawn, so a reader that has
 * seen {@code n} never finds a smaller one later. (The identity alone would not promise that: two
 * transactions can commit in the other order than they drew.) Readers take no lock.
 */
final class PostgresRevocationStore implements RevocationStore {
  private final Sql sql;

  PostgresRevocationStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void save(String id, Instant until) {
    sql.locked(Sql.Lock.REVOCATIONS,
        c -> Sql.update(c, "INSERT INTO revocations (id, revoked_until) VALUES (?, ?)", id, until));
  }

  @Override
  public List<Revocation> revokedAfter(long sequence, int max) {
    return sql.query("SELECT seq, id, revoked_until FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?",
        rs -> new Revocation(rs.getLong("seq"), rs.getString("id"), Sql.instant(rs, "revoked_until")), sequence, max);
  }

  @Override
  public int purgeExpired(Instant before) {
    return sql.update("DELETE FROM revocations WHERE revoked_until < ?", before);
  }
}
