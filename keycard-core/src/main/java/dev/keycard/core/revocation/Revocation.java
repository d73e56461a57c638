package dev.keycard.core.revocation;

import java.time.Instant;
import java.util.Objects;

/**
 * A denylist entry as a {@link RevocationStore} keeps it.
 *
 * @param sequence its place in the order of saves: greater than that of every entry saved before it
 * @param id       a revoked {@code jti} or session id ({@code sid})
 * @param until    when the entry may be forgotten: every token it kills has expired by then
 */
public record Revocation(long sequence, String id, Instant until) {
  public Revocation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(until, "until");
  }
}
