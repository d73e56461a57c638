package dev.keycard.core.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * A stream key as stored: never the key itself, only its SHA-256 ({@link
 * dev.keycard.core.secret.Secrets#hash}).
 *
 * @param keyId     a short public id that names the key in lists, logs and revocations
 * @param streamId  the one stream the key may publish
 * @param hash      base64url SHA-256 of the key
 * @param revokedAt when the key stops working, or {@code null} while nobody revoked it; may lie in
 *                  the future (a rotation that leaves the old key working a little longer)
 */
public record StreamKey(String keyId, String streamId, String hash, Instant createdAt, Instant revokedAt) {
  public StreamKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Whether the key no longer works at {@code now}. */
  public boolean isRevokedAt(Instant now) {
    return revokedAt != null && !revokedAt.isAfter(now);
  }
}
