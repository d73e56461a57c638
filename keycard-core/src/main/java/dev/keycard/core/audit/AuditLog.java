package dev.keycard.core.audit;

/**
 * Where security decisions are recorded, one {@link AuditEvent} each. Implementations must not block
 * the caller for long (callers include event loops): write asynchronously, and drop (and count) rather
 * than stall when the writer falls behind.
 */
@FunctionalInterface
public interface AuditLog {
  /** Records nothing: tests and tools that have no audit trail. */
  AuditLog NONE = event -> { };

  void record(AuditEvent event);
}
