package dev.keycard.server.store.h2;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a child JVM by {@link H2DatabaseTest}: opens the file database, commits one revocation, says
 * so on stdout, then waits to be killed (SIGKILL, no shutdown hook, no close).
 */
public final class DurabilityProbe {
  private DurabilityProbe() {}

  public static void main(String[] args) throws Exception {
    H2Database db = H2Database.open(Path.of(args[0]));
    db.stores().revocations().save(args[1], Instant.parse("2999-01-01T00:00:00Z"));
    System.out.println("committed");
    System.out.flush();
    Thread.sleep(60_000);
  }
}
