package dev.keycard.core.testing;

import dev.keycard.core.store.Stores;

/** Every store in memory: the backend the core's tests (and the store contracts' reference run) use. */
public final class InMemoryStores {
  private InMemoryStores() {}

  public static Stores create() {
    InMemoryAccounts accounts = new InMemoryAccounts();
    return new Stores(accounts, accounts.clients(), new InMemoryRefreshTokenStore(), new InMemoryOpaqueTokenStore(),
        new InMemoryRevocationStore(), new InMemorySigningKeyStore(), new InMemoryUrlKeyStore(), new InMemoryStreamStore(),
        new InMemoryStreamKeyStore(), () -> {});
  }
}
