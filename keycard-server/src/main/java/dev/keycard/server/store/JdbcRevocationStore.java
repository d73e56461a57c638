package dev.keycard.server.store;

import dev.keycard.core.revocation.RevocationStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/** {@link RevocationStore} in the {@code revocations} table; saving an id twice keeps the later expiry. */
public final class JdbcRevocationStore implements RevocationStore {
  private final Sql sql;

  public JdbcRevocationStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  /**
   * Upserts the entry. Two concurrent revocations of one id (a reused refresh token raced by several
   * requests revokes its session several times) can both find no row and both insert; the loser's
   * unique violation means the row now exists, so it merges again and takes the update branch.
   */
  @Override
  public void save(String id, Instant until) {
    try {
      merge(id, until);
    } catch (IllegalStateException duplicate) {
      merge(id, until);
    }
  }

  private void merge(String id, Instant until) {
    sql.update("""
        MERGE INTO revocations r USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS TIMESTAMP(9) WITH TIME ZONE))) v(id, until)
          ON r.id = v.id
        WHEN MATCHED AND r.revoked_until < v.until THEN UPDATE SET r.revoked_until = v.until
        WHEN NOT MATCHED THEN INSERT (id, revoked_until) VALUES (v.id, v.until)
        """, id, until);
  }

  @Override
  public Map<String, Instant> active(Instant now) {
    Map<String, Instant> out = new HashMap<>();
    sql.query("SELECT id, revoked_until FROM revocations WHERE revoked_until > ?",
        rs -> out.put(rs.getString("id"), Sql.instant(rs, "revoked_until")), now);
    return out;
  }

  @Override
  public int purgeExpired(Instant before) {
    return sql.update("DELETE FROM revocations WHERE revoked_until < ?", before);
  }
}
