package dev.keycard.server.cli;

import dev.keycard.server.store.Database;
import dev.keycard.server.store.JdbcStreamStore;
import dev.keycard.server.stream.StreamId;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard streams}: register live streams that encoders may publish to. */
@Command(name = "streams", mixinStandardHelpOptions = true, description = "Manage live streams.",
    subcommands = StreamsCommand.Add.class)
final class StreamsCommand {

  /**
   * {@code keycard streams add ID}. A running server picks the new stream up within seconds (its
   * maintenance job reloads the registry).
   */
  @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a stream id.")
  static final class Add implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "ID", description = "The stream id: [a-z0-9][a-z0-9_-]{0,63}.")
    String streamId;

    @Override
    public Integer call() {
      if (!StreamId.isValid(streamId)) {
        throw new IllegalArgumentException("ID must match [a-z0-9][a-z0-9_-]{0,63}");
      }
      boolean added;
      try (Database db = Database.open(common.dataDir)) {
        added = new JdbcStreamStore(db.dataSource()).add(new StreamId(streamId), Instant.now());
      }
      if (!added) {
        throw new IllegalArgumentException("the stream '" + streamId + "' already exists");
      }
      spec.commandLine().getOut().println("stream " + streamId + " added; publish to /ingest/" + streamId
          + "/index.m3u8 with a token holding stream:publish or stream:publish:" + streamId);
      return 0;
    }
  }
}
