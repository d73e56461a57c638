package dev.keycard.core.signedurl;

/**
 * Which characters may appear in the fields of a signed URL. Every field that goes into a canonical
 * string is restricted to printable ASCII without the separator, so a field can never carry a
 * separator and two different field lists can never produce the same canonical string.
 */
final class UrlAlphabet {
  /** Longest expiry accepted: 12 digits is far beyond year 9999 and cannot overflow a long. */
  static final int MAX_EPOCH_DIGITS = 12;
  static final int MAX_SESSION_ID_LENGTH = 128;
  static final int MAX_IP_LENGTH = 45;

  private UrlAlphabet() {}

  /** {@code [A-Za-z0-9._-]+}: key ids and session ids, safe in a path, a query and a token. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  static boolean isSessionId(String s) {
    return s.length() <= MAX_SESSION_ID_LENGTH && isToken(s);
  }

  /**
   * An IPv4 or IPv6 address as text ({@code [0-9A-Fa-f.:]}, at most 45 characters). Addresses are
   * compared as text, never resolved: the signer and the edge must both use the form the HTTP server
   * reports (Vert.x: {@code remoteAddress().host()}).
   */
  static boolean isIpText(String s) {
    if (s.isEmpty() || s.length() > MAX_IP_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':')) {
        return false;
      }
    }
    return true;
  }

  /** Seconds since the epoch written as 1 to 12 digits without sign or leading zero; -1 otherwise. */
  static long parseEpochSeconds(String s) {
    int n = s.length();
    if (n == 0 || n > MAX_EPOCH_DIGITS || (s.charAt(0) == '0' && n > 1)) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Unreserved base64url characters {@code [A-Za-z0-9_-]}, non-empty. */
  static boolean isBase64Url(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
