package dev.keycard.server.monitoring;

import dev.keycard.core.audit.AuditLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Objects;

/**
 * Where a running keycard reports what it does: meters (scraped from the management listener) and
 * the audit trail (one line per security decision). Every component that counts or audits gets it
 * from here, so one server's figures never mix with another's in the same JVM (tests run several).
 */
public record Monitoring(MeterRegistry meters, AuditLog audit) {

  public Monitoring {
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(audit, "audit");
  }

  /** Meters kept in memory and no audit trail: tests that build routes without a running server. */
  public static Monitoring inMemory() {
    return new Monitoring(new SimpleMeterRegistry(), AuditLog.NONE);
  }
}
