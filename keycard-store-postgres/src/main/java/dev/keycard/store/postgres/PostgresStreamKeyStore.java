package dev.keycard.store.postgres;

import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.stream.StreamKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link StreamKeyStore} in the {@code stream_keys} table. A key's stream must be in {@code streams}
 * (a foreign key): callers check the stream before issuing.
 */
final class PostgresStreamKeyStore implements StreamKeyStore {
  private static final String COLUMNS = "key_id, stream_id, hash, created_at, revoked_at";

  private final Sql sql;

  PostgresStreamKeyStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void add(StreamKey key) {
    sql.update("INSERT INTO stream_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
        key.keyId(), key.streamId(), key.hash(), key.createdAt(), key.revokedAt());
  }

  @Override
  public Optional<StreamKey> findByHash(String hash) {
    return sql.queryOne("SELECT " + COLUMNS + " FROM stream_keys WHERE hash = ?", PostgresStreamKeyStore::key, hash);
  }

  @Override
  public List<StreamKey> list(String streamId) {
    return sql.query("SELECT " + COLUMNS + " FROM stream_keys WHERE stream_id = ? ORDER BY created_at, key_id",
        PostgresStreamKeyStore::key, streamId);
  }

  /** One statement: the earlier of the stored and the new time, and the row as it is afterwards. */
  @Override
  public Optional<StreamKey> revoke(String streamId, String keyId, Instant at) {
    return sql.queryOne("UPDATE stream_keys SET revoked_at = LEAST(revoked_at, ?::timestamptz)"
        + " WHERE key_id = ? AND stream_id = ? RETURNING " + COLUMNS, PostgresStreamKeyStore::key, at, keyId, streamId);
  }

  private static StreamKey key(ResultSet rs) throws SQLException {
    return new StreamKey(rs.getString("key_id"), rs.getString("stream_id"), rs.getString("hash"),
        Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at"));
  }
}
