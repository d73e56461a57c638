package dev.keycard.core.store;

import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.key.SigningKeyStore;
import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.revocation.RevocationStore;
import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKeyStore;
import dev.keycard.core.stream.StreamStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * Every store contract against one backend. A backend's test extends this once and says how to open
 * a fresh, empty {@link Stores}; each test of each contract then runs on its own, closed afterwards:
 * <pre>{@code
 * class PostgresStoresTest extends StoresContract {
 *   protected Stores newStores() { return PostgresBackend.open(freshDatabase()); }
 * }
 * }</pre>
 */
public abstract class StoresContract {
  private final List<Stores> opened = new ArrayList<>();

  /** A fresh, empty backend. */
  protected abstract Stores newStores();

  private Stores open() {
    Stores stores = newStores();
    opened.add(stores);
    return stores;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(Stores::close);
    opened.clear();
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected UserStore newStore() {
      return open().users();
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    @Override
    protected ClientStore newStore() {
      return open().clients();
    }
  }

  @Nested
  class RefreshTokens extends RefreshTokenStoreContract {
    @Override
    protected RefreshTokenStore newStore() {
      return open().refreshTokens();
    }
  }

  @Nested
  class OpaqueTokens extends OpaqueTokenStoreContract {
    @Override
    protected OpaqueTokenStore newStore() {
      return open().opaqueTokens();
    }
  }

  @Nested
  class Revocations extends RevocationStoreContract {
    @Override
    protected RevocationStore newStore() {
      return open().revocations();
    }
  }

  @Nested
  class SigningKeys extends SigningKeyStoreContract {
    @Override
    protected SigningKeyStore newStore() {
      return open().signingKeys();
    }
  }

  @Nested
  class UrlKeys extends UrlKeyStoreContract {
    @Override
    protected UrlKeyStore newStore() {
      return open().urlKeys();
    }
  }

  @Nested
  class Streams extends StreamStoreContract {
    @Override
    protected StreamStore newStore() {
      return open().streams();
    }
  }

  @Nested
  class StreamKeys extends StreamKeyStoreContract {
    @Override
    protected StreamKeyStore newStore() {
      Stores stores = open();
      for (String stream : STREAMS) { // keys are issued for registered streams only, as callers do
        stores.streams().add(new StreamId(stream), Instant.EPOCH);
      }
      return stores.streamKeys();
    }
  }
}
