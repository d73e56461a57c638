package dev.keycard.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random opaque credentials and their stored form. Opaque tokens carry 256 random bits, so a plain
 * SHA-256 is enough to store them: there is nothing to brute-force, unlike a password.
 */
public final class Secrets {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  public Secrets(SecureRandom random) {
    this.random = random;
  }

  /** {@code prefix} followed by {@code bytes} random bytes in base64url. */
  public String newToken(String prefix, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return prefix + B64.encodeToString(b);
  }

  /** A 128-bit random identifier (a {@code jti}, a family id). */
  public String newId() {
    return newToken("", 16);
  }

  /** The stored form of an opaque token: base64url SHA-256 of its UTF-8 bytes. */
  public static String hash(String token) {
    try {
      return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares two secrets without leaking, through timing, how long a prefix matched. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
