package dev.keycard.server.cli;

import dev.keycard.server.store.Database;
import java.nio.file.Path;

/** Opens the data directory's database for one administrative command. */
final class Stores {
  private Stores() {}

  static Database open(Path dataDir) {
    return Database.open(dataDir);
  }
}
