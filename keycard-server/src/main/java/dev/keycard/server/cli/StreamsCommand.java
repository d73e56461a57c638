package dev.keycard.server.cli;

import dev.keycard.core.change.Change;
import dev.keycard.core.store.Stores;
import dev.keycard.core.stream.IssuedStreamKey;
import dev.keycard.core.stream.RotatedStreamKey;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.stream.StreamKeys;
import dev.keycard.server.config.Durations;
import dev.keycard.server.stream.DemoStream;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard streams}: register live streams and the stream keys encoders publish them with. */
@Command(name = "streams", mixinStandardHelpOptions = true, description = "Manage live streams and their stream keys.",
    subcommands = {StreamsCommand.Add.class, StreamsCommand.Keys.class})
final class StreamsCommand {
  private static final String ID_RULE = "[a-z0-9][a-z0-9_-]{0,63}";

  /**
   * {@code keycard streams add ID}. A running server accepts uploads for it at once: an id it does not
   * know is looked up in the database before it is refused.
   */
  @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a stream id.")
  static final class Add implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RedisOptions redis;

    @Parameters(index = "0", paramLabel = "ID", description = "The stream id: " + ID_RULE + ".")
    String streamId;

    @Override
    public Integer call() {
      StreamId id = streamId(streamId);
      boolean added;
      try (Stores stores = common.openStores(spec)) {
        added = stores.streams().add(id, Instant.now());
      }
      if (!added) {
        throw new IllegalArgumentException("the stream '" + streamId + "' already exists");
      }
      Announce.change(redis, spec, Change.Reload.STREAMS);
      spec.commandLine().getOut().println("stream " + streamId + " added; publish to /ingest/" + streamId
          + "/STREAM_KEY/index.m3u8 with a key from 'keycard streams keys add " + streamId + "', or to /ingest/"
          + streamId + "/index.m3u8 with a token holding stream:publish or stream:publish:" + streamId);
      return 0;
    }
  }

  /** {@code keycard streams keys add|list|revoke|rotate STREAM}. */
  @Command(name = "keys", mixinStandardHelpOptions = true,
      description = "Manage a stream's keys: long-lived credentials an encoder puts in its ingest URL.",
      subcommands = {KeysAdd.class, KeysList.class, KeysRevoke.class, KeysRotate.class})
  static final class Keys {}

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Issue a new key for a stream; it is printed once and stored only as a hash.")
  static final class KeysAdd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream id.")
    String streamId;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        IssuedStreamKey issued = keys(stores, streamId).issue(streamId);
        printIssued(spec.commandLine().getOut(), issued);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a stream's keys (ids and times, no secrets).")
  static final class KeysList implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream id.")
    String streamId;

    @Override
    public Integer call() {
      List<StreamKey> list;
      try (Stores stores = common.openStores(spec)) {
        list = keys(stores, streamId).list(streamId);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-12s  %-30s  %s%n", "KEY_ID", "CREATED_AT", "REVOKED_AT");
      for (StreamKey k : list) {
        out.printf("%-12s  %-30s  %s%n", k.keyId(), k.createdAt(), k.revokedAt() == null ? "-" : k.revokedAt());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a stream key; a running server refuses its next upload.")
  static final class KeysRevoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream id.")
    String streamId;

    @Parameters(index = "1", paramLabel = "KEY_ID", description = "The key's id, as 'keys list' shows it.")
    String keyId;

    @Override
    public Integer call() {
      StreamKey revoked;
      try (Stores stores = common.openStores(spec)) {
        revoked = keys(stores, streamId).revoke(streamId, keyId).orElseThrow(
            () -> new IllegalArgumentException("the stream '" + streamId + "' has no key '" + keyId + "'"));
      }
      spec.commandLine().getOut().println("stream key " + revoked.keyId() + " of stream " + streamId
          + " revoked as of " + revoked.revokedAt());
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Issue a new key and revoke the stream's other keys, at once or after --overlap.")
  static final class KeysRotate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream id.")
    String streamId;

    @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "0s",
        description = "How long the old keys keep working, to switch the encoder over (at most 24h). Default: ${DEFAULT-VALUE}")
    String overlap;

    @Override
    public Integer call() {
      Duration d;
      try {
        d = Durations.parse(overlap);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--overlap: " + e.getMessage());
      }
      if (d.isNegative() || d.compareTo(StreamKeys.MAX_OVERLAP) > 0) {
        throw new IllegalArgumentException("--overlap must be between 0s and 24h");
      }
      RotatedStreamKey rotated;
      try (Stores stores = common.openStores(spec)) {
        rotated = keys(stores, streamId).rotate(streamId, d);
      }
      PrintWriter out = spec.commandLine().getOut();
      printIssued(out, rotated.issued());
      for (StreamKey old : rotated.retired()) {
        out.println("stream key " + old.keyId() + " revoked as of " + old.revokedAt());
      }
      return 0;
    }
  }

  private static StreamId streamId(String value) {
    if (!StreamId.isValid(value)) {
      throw new IllegalArgumentException("the stream id must match " + ID_RULE);
    }
    return new StreamId(value);
  }

  /** The stream keys of a registered stream, or a usage error naming the stream. */
  private static StreamKeys keys(Stores stores, String streamId) {
    StreamId id = streamId(streamId);
    if (!stores.streams().exists(id)) {
      throw new IllegalArgumentException(id.equals(DemoStream.ID)
          ? "the built-in demo stream is served by the server itself and takes no keys"
          : "no stream '" + streamId + "' is registered; add it first: keycard streams add " + streamId);
    }
    return new StreamKeys(stores.streamKeys(), new SecureRandom(), InstantSource.system());
  }

  private static void printIssued(PrintWriter out, IssuedStreamKey issued) {
    StreamKey key = issued.key();
    out.println("stream key " + key.keyId() + " added for stream " + key.streamId()
        + " (shown once; keycard keeps only its hash)");
    out.println("stream_key: " + issued.secret());
    out.println("ingest_path: /ingest/" + key.streamId() + "/" + issued.secret() + "/" + StreamId.ENTRY_PLAYLIST);
  }
}
