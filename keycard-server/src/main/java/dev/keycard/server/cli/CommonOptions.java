package dev.keycard.server.cli;

import dev.keycard.core.store.Stores;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.store.StoreFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every command takes: where the state is kept, and the config file. */
final class CommonOptions {
  static final String DATABASE_PASSWORD_ENV = "KEYCARD_DATABASE_PASSWORD";

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./keycard-data",
      description = "Where the embedded database (users, clients, keys, refresh tokens, revocations) lives; "
          + "created 0700. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(names = "--database-url", paramLabel = "URL",
      description = "Keep the state in this PostgreSQL database instead of the embedded one, so several keycard "
          + "instances share it: postgresql://[USER@]HOST[:PORT]/DATABASE or jdbc:postgresql://HOST[:PORT]/DATABASE. "
          + "The password never goes in the URL: " + DATABASE_PASSWORD_ENV + " or --database-password-file.")
  String databaseUrl;

  @Option(names = "--database-password-file", paramLabel = "FILE",
      description = "A file holding the password for --database-url. Alternatively " + DATABASE_PASSWORD_ENV + ".")
  Path databasePasswordFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option values (e.g. refresh-idle-ttl=7d). "
          + "Flags beat environment variables (KEYCARD_<OPTION>), which beat the file.")
  Path config;

  /** @throws IllegalArgumentException naming the option or variable that is wrong */
  StoreConfig store(Map<String, String> environment) {
    return StoreConfig.of(dataDir, databaseUrl, databasePassword(environment));
  }

  /** The stores of the configured backend, for a command run from {@code spec}; the caller closes them. */
  Stores openStores(CommandSpec spec) {
    return StoreFactory.open(store(((KeycardCommand) spec.root().userObject()).environment));
  }

  /** The file wins over the variable, as for the other secrets. */
  private String databasePassword(Map<String, String> environment) {
    if (databasePasswordFile != null) {
      String password;
      try {
        // Trailing newlines from `echo > file` are not part of the password.
        password = Files.readString(databasePasswordFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --database-password-file " + databasePasswordFile);
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("--database-password-file " + databasePasswordFile + " is empty");
      }
      return password;
    }
    String fromEnvironment = environment.get(DATABASE_PASSWORD_ENV);
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }
}
