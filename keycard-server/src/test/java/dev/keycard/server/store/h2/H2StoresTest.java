package dev.keycard.server.store.h2;

import dev.keycard.core.store.Stores;
import dev.keycard.core.store.StoresContract;

/** Every store contract against the H2 backend, each test on a fresh in-memory database. */
class H2StoresTest extends StoresContract {
  @Override
  protected Stores newStores() {
    return TestDatabases.inMemory().stores();
  }
}
