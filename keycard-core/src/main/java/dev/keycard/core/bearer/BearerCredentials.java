package dev.keycard.core.bearer;

import java.util.List;

/**
 * Reads the bearer token from {@code Authorization} header values (RFC 6750 §2.1). The scheme is
 * matched case-insensitively (RFC 9110 §11.1); the token must match the {@code b64token} grammar.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class BearerCredentials {
  private BearerCredentials() {}

  /** What the request carried. */
  public sealed interface Found {}

  /** No bearer credentials (no header, or another scheme such as Basic). */
  public record Absent() implements Found {}

  public record Present(String token) implements Found {}

  /** Bearer credentials that break the grammar, or more than one: {@code invalid_request}. */
  public record Malformed(String description) implements Found {}

  private static final Absent ABSENT = new Absent();
  /** The {@code b64token} characters of RFC 6750 §2.1, less the trailing {@code =}. */
  private static final boolean[] B64TOKEN = new boolean[128];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".toCharArray()) {
      B64TOKEN[c] = true;
    }
  }
  private static final Malformed TWO = new Malformed("More than one credential was sent");
  private static final Malformed BROKEN = new Malformed("The Authorization header is malformed");

  /**
   * @param authorizationValues every {@code Authorization} header value of the request (empty or
   *                            {@code null} when none)
   */
  public static Found parse(List<String> authorizationValues) {
    if (authorizationValues == null || authorizationValues.isEmpty()) {
      return ABSENT;
    }
    if (authorizationValues.size() > 1) {
      return TWO;
    }
    return parse(authorizationValues.get(0));
  }

  public static Found parse(String value) {
    if (value == null) {
      return ABSENT;
    }
    if (value.length() < 6 || !value.regionMatches(true, 0, "Bearer", 0, 6)) {
      return ABSENT;
    }
    if (value.length() == 6) {
      return BROKEN;
    }
    if (value.charAt(6) != ' ') {
      // "Bearerfoo" is some other scheme's name, not ours.
      return ABSENT;
    }
    int start = 7;
    while (start < value.length() && value.charAt(start) == ' ') {
      start++;
    }
    int end = value.length();
    if (start == end) {
      return BROKEN;
    }
    int padding = end;
    while (padding > start && value.charAt(padding - 1) == '=') {
      padding--;
    }
    if (padding == start) {
      return BROKEN;
    }
    for (int i = start; i < padding; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !B64TOKEN[c]) {
        // A space here means two tokens, or a comma-separated list of credentials: both malformed.
        return BROKEN;
      }
    }
    return new Present(start == 7 && end == value.length() ? value.substring(7) : value.substring(start, end));
  }
}
