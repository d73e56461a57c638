package dev.keycard.server.store.h2;

import java.util.UUID;

/** Fresh databases for store tests: in memory (fast), same schema and engine as the file database. */
public final class TestDatabases {
  private TestDatabases() {}

  public static H2Database inMemory() {
    return H2Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 8);
  }
}
