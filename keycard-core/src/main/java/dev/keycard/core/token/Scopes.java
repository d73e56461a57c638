package dev.keycard.core.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Parsing and formatting of the space-separated scope strings of RFC 6749 §3.3.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3</a>
 */
public final class Scopes {
  /**
   * The scope of keycard's own administration API (sessions, anomalies, users and clients). No user
   * or client has it unless an operator grants it ({@code keycard users add NAME --scope keycard:admin}).
   */
  public static final String ADMIN = "keycard:admin";
  /** Following the revocation feed ({@code /api/v1/revocations}): for services that check tokens themselves. */
  public static final String REVOCATIONS = "keycard:revocations";

  private Scopes() {}

  /** Splits a scope string; {@code null} or blank gives the empty set. */
  public static Set<String> parse(String scope) {
    if (scope == null || scope.isBlank()) {
      return Set.of();
    }
    // Called for every token verified: a plain scan, not a regex split.
    List<String> parts = new ArrayList<>(4);
    int start = -1;
    for (int i = 0; i <= scope.length(); i++) {
      boolean space = i == scope.length() || scope.charAt(i) == ' ';
      if (space && start >= 0) {
        parts.add(scope.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return Set.copyOf(parts);
  }

  /** The scope string of {@code scopes}, sorted so that equal sets give equal strings. */
  public static String format(Set<String> scopes) {
    // On every /api/v1/me and introspection answer: no sorted copy for the common one-scope token.
    if (scopes.size() == 1) {
      return scopes.iterator().next();
    }
    String[] sorted = scopes.toArray(new String[0]);
    Arrays.sort(sorted);
    return String.join(" ", sorted);
  }

  /**
   * Whether every character is allowed by RFC 6749 §3.3's scope-token grammar
   * ({@code %x21 / %x23-5B / %x5D-7E}) with single spaces between tokens.
   */
  public static boolean isValid(String scope) {
    if (scope == null || scope.isEmpty() || scope.startsWith(" ") || scope.endsWith(" ") || scope.contains("  ")) {
      return false;
    }
    for (int i = 0; i < scope.length(); i++) {
      char c = scope.charAt(i);
      boolean ok = c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
