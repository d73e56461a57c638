package dev.keycard.server.store;

import dev.keycard.core.store.Stores;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.store.h2.H2Database;

/**
 * The one place stores are made: the backend the configuration names, chosen by that value alone (no
 * class-path scanning, no {@code ServiceLoader}). The server and every CLI command get their stores
 * here. A new backend is a module with its stores and one case below.
 */
public final class StoreFactory {
  private StoreFactory() {}

  /**
   * Opens the backend (blocking: it connects and migrates). The caller closes the stores.
   *
   * @throws IllegalArgumentException when this build cannot open the configured backend
   */
  public static Stores open(StoreConfig config) {
    return switch (config) {
      case StoreConfig.Embedded embedded -> H2Database.open(embedded.dataDir()).stores();
      case StoreConfig.Postgres postgres -> throw new IllegalArgumentException(
          "--database-url: the PostgreSQL backend is not built into this jar; run without --database-url "
              + "(and KEYCARD_DATABASE_URL) for the embedded database");
    };
  }
}
