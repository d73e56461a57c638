package dev.keycard.store.postgres;

import dev.keycard.core.store.Stores;
import dev.keycard.core.store.StoresContract;
import dev.keycard.store.postgres.testing.RealPostgres;

/**
 * Every store contract against the PostgreSQL backend: one real server for the run, a fresh database
 * for each test. Skipped (failed under {@code KEYCARD_REQUIRE_TOOLS=true}) without PostgreSQL.
 */
class PostgresStoresTest extends StoresContract {
  @Override
  protected Stores newStores() {
    return PostgresDatabase.open(RealPostgres.shared().newDatabase()).stores();
  }
}
