package dev.keycard.core.revocation;

import java.time.Instant;
import java.util.Map;

/**
 * Durable record of denylist entries, so that a restart (or a killed process) forgets no revocation.
 * The in-process {@link InMemoryDenylist} is reloaded from it at start.
 */
public interface RevocationStore {
  void save(String id, Instant until);

  /** Entries still in force at {@code now}, id to expiry. */
  Map<String, Instant> active(Instant now);

  int purgeExpired(Instant before);
}
