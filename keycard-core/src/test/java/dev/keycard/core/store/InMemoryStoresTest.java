package dev.keycard.core.store;

import dev.keycard.core.testing.InMemoryStores;

/**
 * Every store contract against the in-memory test stores, so the core's own tests run on stores that
 * behave like the real ones.
 */
class InMemoryStoresTest extends StoresContract {
  @Override
  protected Stores newStores() {
    return InMemoryStores.create();
  }
}
