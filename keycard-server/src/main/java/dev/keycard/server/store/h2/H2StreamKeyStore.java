package dev.keycard.server.store.h2;

import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.stream.StreamKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link StreamKeyStore} in the {@code stream_keys} table. A key's stream must be in {@code streams}
 * (a foreign key): callers check the stream before issuing.
 */
final class H2StreamKeyStore implements StreamKeyStore {
  private static final String COLUMNS = "key_id, stream_id, hash, created_at, revoked_at";

  private final Sql sql;

  H2StreamKeyStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public void add(StreamKey key) {
    sql.update("INSERT INTO stream_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
        key.keyId(), key.streamId(), key.hash(), key.createdAt(), key.revokedAt());
  }

  @Override
  public Optional<StreamKey> findByHash(String hash) {
    return sql.queryOne("SELECT " + COLUMNS + " FROM stream_keys WHERE hash = ?", H2StreamKeyStore::key, hash);
  }

  @Override
  public List<StreamKey> list(String streamId) {
    return sql.query("SELECT " + COLUMNS + " FROM stream_keys WHERE stream_id = ? ORDER BY created_at, key_id",
        H2StreamKeyStore::key, streamId);
  }

  @Override
  public Optional<StreamKey> revoke(String streamId, String keyId, Instant at) {
    return sql.transaction(c -> {
      Sql.update(c, "UPDATE stream_keys SET revoked_at = ? WHERE key_id = ? AND stream_id = ?"
          + " AND (revoked_at IS NULL OR revoked_at > ?)", at, keyId, streamId, at);
      List<StreamKey> rows = Sql.query(c, "SELECT " + COLUMNS + " FROM stream_keys WHERE key_id = ? AND stream_id = ?",
          H2StreamKeyStore::key, keyId, streamId);
      return rows.isEmpty() ? Optional.<StreamKey>empty() : Optional.of(rows.get(0));
    });
  }

  private static StreamKey key(ResultSet rs) throws SQLException {
    return new StreamKey(rs.getString("key_id"), rs.getString("stream_id"), rs.getString("hash"),
        Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at"));
  }
}
