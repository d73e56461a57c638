package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.store.Database;
import dev.keycard.server.store.JdbcStreamStore;
import dev.keycard.server.stream.StreamId;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard streams add ID}. */
class StreamsCommandTest {
  @TempDir
  Path dataDir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), Map.of());
  }

  @Test
  void registersAStreamOnce() {
    assertThat(run("streams", "add", "cam1", "--data-dir", dataDir.toString())).isZero();
    assertThat(out.toString()).contains("stream cam1 added", "/ingest/cam1/index.m3u8");

    assertThat(run("streams", "add", "cam1", "--data-dir", dataDir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("already exists");
    try (Database db = Database.open(dataDir)) {
      assertThat(new JdbcStreamStore(db.dataSource()).all()).containsExactly(new StreamId("cam1"));
    }
  }

  @Test
  void refusesIdsOutsideTheAlphabet() {
    for (String bad : new String[] {"Cam1", "-cam", "cam/1", "a".repeat(65)}) {
      assertThat(run("streams", "add", bad, "--data-dir", dataDir.toString())).as(bad).isEqualTo(2);
    }
    assertThat(err.toString()).contains("[a-z0-9][a-z0-9_-]{0,63}");
  }
}
