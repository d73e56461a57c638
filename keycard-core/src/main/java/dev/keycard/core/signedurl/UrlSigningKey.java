package dev.keycard.core.signedurl;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * An HMAC secret for signed URLs, named by a key id that travels in every URL so keys can rotate.
 * Secrets must have at least 256 bits (RFC 2104 §3: a key shorter than the hash output weakens the
 * MAC). The key id is restricted to {@code [A-Za-z0-9._-]{1,64}} so it can appear in a URL and in a
 * canonical string without escaping. The secret never appears in {@link #toString()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2104#section-3">RFC 2104 §3</a>
 */
public record UrlSigningKey(String keyId, byte[] secret) {
  public static final int MIN_SECRET_BYTES = 32;
  private static final int MAX_KEY_ID_LENGTH = 64;

  public UrlSigningKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(secret, "secret");
    if (!validKeyId(keyId)) {
      throw new IllegalArgumentException("a key id must match [A-Za-z0-9._-]{1," + MAX_KEY_ID_LENGTH + "}");
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("a URL signing secret needs at least 256 bits, got " + secret.length * 8);
    }
    secret = secret.clone();
  }

  /** A copy: the key's own bytes never leave it. */
  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UrlSigningKey k && keyId.equals(k.keyId) && MessageDigest.isEqual(secret, k.secret);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode();
  }

  @Override
  public String toString() {
    return "UrlSigningKey[keyId=" + keyId + ", secret=(" + secret.length * 8 + " bits)]";
  }

  /** Key ids share the URL-safe alphabet of session ids; [A-Za-z0-9._-]. */
  static boolean validKeyId(String keyId) {
    return keyId.length() <= MAX_KEY_ID_LENGTH && UrlAlphabet.isToken(keyId);
  }

  // The secret without a copy, for building MAC keys once.
  byte[] secretBytes() {
    return secret;
  }
}
