package dev.keycard.core.refresh;

import java.time.Instant;
import java.util.Objects;

/**
 * One refresh token of a family, as stored: only its hash, never the token.
 *
 * @param expiresAt     idle expiry: the token must be used (rotated) before this
 * @param rotatedAt     when it was exchanged for its successor, or {@code null}
 * @param successorHash the hash of the token it was exchanged for, or {@code null}
 */
public record RefreshTokenRecord(
    String hash, String familyId, State state, Instant issuedAt, Instant expiresAt,
    Instant rotatedAt, String successorHash) {

  public enum State { ACTIVE, ROTATED, REVOKED }

  public RefreshTokenRecord {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public static RefreshTokenRecord active(String hash, String familyId, Instant issuedAt, Instant expiresAt) {
    return new RefreshTokenRecord(hash, familyId, State.ACTIVE, issuedAt, expiresAt, null, null);
  }
}
