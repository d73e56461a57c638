package dev.keycard.core.signedurl;

/**
 * Which secrets may be written verbatim between double quotes in an nginx configuration
 * ({@code secure_link_md5 "... SECRET"}, {@code proxy_set_header Name "SECRET"}): printable ASCII
 * without space, quotes, backslash, {@code $} (nginx would read a variable), braces or semicolon
 * (they would end the value or the block). Anything else could change the configuration it sits in.
 */
public final class NginxQuotedString {
  private NginxQuotedString() {}

  public static boolean isSafe(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\'' || c == '\\' || c == '$' || c == '{' || c == '}' || c == ';') {
        return false;
      }
    }
    return true;
  }

  /** The rule in words, for error messages. */
  public static final String RULE = "printable ASCII without spaces, quotes, \\ $ { } or ;";
}
