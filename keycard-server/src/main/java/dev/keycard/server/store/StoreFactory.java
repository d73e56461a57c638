package dev.keycard.server.store;

import dev.keycard.core.store.Stores;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.store.h2.H2Database;
import dev.keycard.store.postgres.PostgresDatabase;

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
   * @throws dev.keycard.core.StoreUnavailableException when a database server cannot be reached
   */
  public static Stores open(StoreConfig config) {
    return switch (config) {
      case StoreConfig.Embedded embedded -> H2Database.open(embedded.dataDir()).stores();
      case StoreConfig.Postgres postgres -> PostgresDatabase.open(
          PostgresDatabase.Settings.of(postgres.jdbcUrl(), postgres.user(), postgres.password())).stores();
    };
  }
}
