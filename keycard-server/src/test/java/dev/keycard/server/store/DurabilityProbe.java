package dev.keycard.server.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a child JVM by {@link DatabaseTest}: opens the file database, commits one revocation, says
 * so on stdout, then waits to be killed (SIGKILL, no shutdown hook, no close).
 */
public final class DurabilityProbe {
  private DurabilityProbe() {}

  public static void main(String[] args) throws Exception {
    Database db = Database.open(Path.of(args[0]));
    new JdbcRevocationStore(db.dataSource()).save(args[1], Instant.parse("2999-01-01T00:00:00Z"));
    System.out.println("committed");
    System.out.flush();
    Thread.sleep(60_000);
  }
}
