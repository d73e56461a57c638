package dev.keycard.server.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./keycard-data",
      description = "Where the database (users, clients, keys, refresh tokens, revocations) lives; "
          + "created 0700. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option values (e.g. refresh-idle-ttl=7d). "
          + "Flags beat environment variables (KEYCARD_<OPTION>), which beat the file.")
  Path config;
}
