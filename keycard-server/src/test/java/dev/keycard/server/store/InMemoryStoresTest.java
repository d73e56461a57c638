package dev.keycard.server.store;

import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.key.SigningKeyStore;
import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.stream.StreamKeyStore;
import dev.keycard.core.testing.InMemoryAccounts;
import dev.keycard.core.testing.InMemoryOpaqueTokenStore;
import dev.keycard.core.testing.InMemoryRefreshTokenStore;
import dev.keycard.core.testing.InMemorySigningKeyStore;
import dev.keycard.core.testing.InMemoryStreamKeyStore;
import org.junit.jupiter.api.Nested;

/**
 * The same contracts against the core's in-memory test stores, so the core's own tests run on
 * stores that behave like the real ones.
 */
class InMemoryStoresTest {
  @Nested
  class Users extends UserStoreContract {
    @Override
    protected UserStore newStore() {
      return new InMemoryAccounts();
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    @Override
    protected ClientStore newStore() {
      return new InMemoryAccounts().clients();
    }
  }

  @Nested
  class StreamKeys extends StreamKeyStoreContract {
    @Override
    protected StreamKeyStore newStore() {
      return new InMemoryStreamKeyStore();
    }
  }

  @Nested
  class RefreshTokens extends RefreshTokenStoreContract {
    @Override
    protected RefreshTokenStore newStore() {
      return new InMemoryRefreshTokenStore();
    }
  }

  @Nested
  class OpaqueTokens extends OpaqueTokenStoreContract {
    @Override
    protected OpaqueTokenStore newStore() {
      return new InMemoryOpaqueTokenStore();
    }
  }

  @Nested
  class SigningKeys extends SigningKeyStoreContract {
    @Override
    protected SigningKeyStore newStore() {
      return new InMemorySigningKeyStore();
    }
  }
}
