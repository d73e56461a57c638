package dev.keycard.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file database: where it lives, who may read it, and what survives a killed process. */
class DatabaseTest {
  @TempDir
  Path dir;

  @Test
  void openCreatesTheDataDirectoryReadableByTheOwnerOnly() throws Exception {
    Path data = dir.resolve("a/b/data");
    try (Database db = Database.open(data)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(Files.list(data).map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("keycard"));
    }
  }

  @Test
  void twoOpenersShareTheFileDatabase() {
    try (Database server = Database.open(dir); Database cli = Database.open(dir)) {
      new JdbcRevocationStore(cli.dataSource()).save("jti-from-cli", Instant.parse("2999-01-01T00:00:00Z"));
      assertThat(new JdbcRevocationStore(server.dataSource()).active(Instant.EPOCH)).containsKey("jti-from-cli");
    }
  }

  /** A commit acknowledged before the process is SIGKILLed is still there afterwards (WRITE_DELAY=0). */
  @Test
  void commitSurvivesAKilledProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DurabilityProbe.class.getName(), dir.toString(), "jti-before-kill")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals("committed"));
      assertThat(line).as("the child process committed").isEqualTo("committed");
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor(10, TimeUnit.SECONDS);
    }
    // A killed H2 leaves its lock file behind; the next opener checks it is stale and takes over.
    try (Database db = Database.open(dir)) {
      assertThat(new JdbcRevocationStore(db.dataSource()).active(Instant.EPOCH)).containsKey("jti-before-kill");
    }
  }
}
