package dev.keycard.store.postgres;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import java.time.Instant;
import java.util.List;

/** {@link StreamStore} in the {@code streams} table. */
final class PostgresStreamStore implements StreamStore {
  private final Sql sql;

  PostgresStreamStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public boolean add(StreamId id, Instant createdAt) {
    return sql.update("INSERT INTO streams (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        id.value(), createdAt) == 1;
  }

  @Override
  public boolean exists(StreamId id) {
    return sql.queryOne("SELECT 1 FROM streams WHERE id = ?", rs -> Boolean.TRUE, id.value()).isPresent();
  }

  @Override
  public List<StreamId> all() {
    return sql.query("SELECT id FROM streams ORDER BY id", rs -> new StreamId(rs.getString("id")));
  }
}
