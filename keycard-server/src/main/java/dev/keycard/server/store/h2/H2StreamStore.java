package dev.keycard.server.store.h2;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** {@link StreamStore} in the {@code streams} table. */
final class H2StreamStore implements StreamStore {
  private final Sql sql;

  H2StreamStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public boolean add(StreamId id, Instant createdAt) {
    try {
      return sql.update("INSERT INTO streams (id, created_at) VALUES (?, ?)", id.value(), createdAt) == 1;
    } catch (IllegalStateException alreadyExists) {
      return false;
    }
  }

  @Override
  public boolean exists(StreamId id) {
    return sql.queryOne("SELECT id FROM streams WHERE id = ?", rs -> rs.getString("id"), id.value()).isPresent();
  }

  @Override
  public List<StreamId> all() {
    return sql.query("SELECT id FROM streams ORDER BY id", rs -> new StreamId(rs.getString("id")));
  }
}
