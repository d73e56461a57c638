package dev.keycard.server.store;

import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.key.SigningKeyStore;
import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.revocation.RevocationStore;
import dev.keycard.core.stream.StreamKeyStore;
import dev.keycard.server.stream.StreamId;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/** Runs every store contract against the H2 implementations, each test on a fresh database. */
class JdbcStoresTest {
  private static final class Fresh {
    Database db;

    Database open() {
      db = TestDatabases.inMemory();
      return db;
    }

    void close() {
      if (db != null) {
        db.close();
      }
    }
  }

  @Nested
  class Users extends UserStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected UserStore newStore() {
      return new JdbcUserStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected ClientStore newStore() {
      return new JdbcClientStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class StreamKeys extends StreamKeyStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected StreamKeyStore newStore() {
      Database db = fresh.open();
      for (String stream : STREAMS) { // a key's stream must be registered
        new JdbcStreamStore(db.dataSource()).add(new StreamId(stream), Instant.EPOCH);
      }
      return new JdbcStreamKeyStore(db.dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class RefreshTokens extends RefreshTokenStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected RefreshTokenStore newStore() {
      return new JdbcRefreshTokenStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class OpaqueTokens extends OpaqueTokenStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected OpaqueTokenStore newStore() {
      return new JdbcOpaqueTokenStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class Revocations extends RevocationStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected RevocationStore newStore() {
      return new JdbcRevocationStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }

  @Nested
  class SigningKeys extends SigningKeyStoreContract {
    private final Fresh fresh = new Fresh();

    @Override
    protected SigningKeyStore newStore() {
      return new JdbcSigningKeyStore(fresh.open().dataSource());
    }

    @AfterEach
    void close() {
      fresh.close();
    }
  }
}
