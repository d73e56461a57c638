package dev.keycard.store.postgres;

import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.signedurl.UrlSigningKey;
import java.time.Instant;
import java.util.List;

/**
 * {@link UrlKeyStore} in the {@code url_signing_keys} table. The first key is added under the
 * {@link Sql.Lock#URL_SIGNING_KEYS} advisory lock, so instances starting together on an empty
 * database make one key between them.
 */
final class PostgresUrlKeyStore implements UrlKeyStore {
  private final Sql sql;

  PostgresUrlKeyStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public List<UrlSigningKey> newestFirst() {
    return sql.query("SELECT key_id, secret FROM url_signing_keys ORDER BY created_at DESC, key_id",
        rs -> new UrlSigningKey(rs.getString("key_id"), rs.getBytes("secret")));
  }

  @Override
  public boolean addIfEmpty(UrlSigningKey first, Instant createdAt) {
    return sql.locked(Sql.Lock.URL_SIGNING_KEYS, c -> Sql.update(c, """
        INSERT INTO url_signing_keys (key_id, secret, created_at)
        SELECT ?::text, ?::bytea, ?::timestamptz WHERE NOT EXISTS (SELECT 1 FROM url_signing_keys)""",
        first.keyId(), first.secret(), createdAt) == 1);
  }
}
