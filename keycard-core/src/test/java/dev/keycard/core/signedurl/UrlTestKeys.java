package dev.keycard.core.signedurl;

import java.security.SecureRandom;

/** Fresh random URL signing keys for tests. */
final class UrlTestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UrlTestKeys() {}

  static UrlSigningKey key(String keyId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new UrlSigningKey(keyId, secret);
  }
}
