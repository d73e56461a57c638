package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * CloudFront's URL-safe base64: standard base64 with {@code +} → {@code -}, {@code =} → {@code _}
 * and {@code /} → {@code ~} (note: not RFC 4648 base64url, whose {@code _} stands for {@code /}).
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html">CloudFront: signed URL with a canned policy</a>
 */
final class CloudFrontBase64 {
  private CloudFrontBase64() {}

  static String encode(byte[] bytes) {
    byte[] b = Base64.getEncoder().encode(bytes);
    for (int i = 0; i < b.length; i++) {
      switch (b[i]) {
        case '+' -> b[i] = '-';
        case '=' -> b[i] = '_';
        case '/' -> b[i] = '~';
        default -> { }
      }
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** The decoded bytes, or {@code null} when {@code s} is not CloudFront base64. */
  static byte[] decode(String s) {
    byte[] b = new byte[s.length()];
    for (int i = 0; i < b.length; i++) {
      char c = s.charAt(i);
      b[i] = switch (c) {
        case '-' -> (byte) '+';
        case '_' -> (byte) '=';
        case '~' -> (byte) '/';
        case '+', '=', '/' -> 0; // the unmapped forms are not CloudFront's
        default -> (byte) c;
      };
      if (b[i] == 0 || c > 0x7e) {
        return null;
      }
    }
    try {
      return Base64.getDecoder().decode(b);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
