package dev.keycard.server.store.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file database: where it lives, who may read it, and what survives a killed process. */
class H2DatabaseTest {
  @TempDir
  Path dir;

  @Test
  void openCreatesTheDataDirectoryReadableByTheOwnerOnly() throws Exception {
    Path data = dir.resolve("a/b/data");
    try (H2Database db = H2Database.open(data)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(Files.list(data).map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("keycard"));
    }
  }

  @Test
  void twoOpenersShareTheFileDatabase() {
    try (H2Database server = H2Database.open(dir); H2Database cli = H2Database.open(dir)) {
      cli.stores().revocations().save("jti-from-cli", Instant.parse("2999-01-01T00:00:00Z"));
      assertThat(ids(server)).contains("jti-from-cli");
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
    try (H2Database db = H2Database.open(dir)) {
      assertThat(ids(db)).contains("jti-before-kill");
    }
  }

  /**
   * A data directory made before revocations had sequence numbers keeps its entries: the migration
   * numbers them, and new ones come after.
   */
  @Test
  void revocationsOfADataDirectoryFromBeforeSequencesAreKeptAndNumbered() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("keycard") + ";WRITE_DELAY=0";
    Flyway.configure().dataSource(url, "keycard", "").locations("classpath:db/h2/migration").target("5").load().migrate();
    try (Connection c = DriverManager.getConnection(url, "keycard", "");
        PreparedStatement insert = c.prepareStatement("INSERT INTO revocations (id, revoked_until) VALUES (?, ?)")) {
      for (String id : List.of("sid-b", "jti-a")) {
        insert.setString(1, id);
        insert.setObject(2, OffsetDateTime.parse(id.equals("sid-b") ? "2999-01-01T00:00:00Z" : "2998-01-01T00:00:00Z"));
        insert.executeUpdate();
      }
    }
    try (H2Database db = H2Database.open(url, 2)) {
      RevocationStore store = db.stores().revocations();
      store.save("jti-new", Instant.parse("2997-01-01T00:00:00Z"));
      List<Revocation> entries = store.revokedAfter(0, 10);
      assertThat(entries).extracting(Revocation::id).containsExactly("jti-a", "sid-b", "jti-new");
      assertThat(entries).extracting(Revocation::sequence).containsExactly(1L, 2L, 3L);
      assertThat(entries.get(1).until()).isEqualTo(Instant.parse("2999-01-01T00:00:00Z"));
    }
  }

  private static List<String> ids(H2Database db) {
    return db.stores().revocations().revokedAfter(0, 1_000).stream().map(Revocation::id).toList();
  }
}
