package dev.keycard.core.signedurl;

/**
 * Reads the few parameters a scheme cares about from a raw query string, without building a map.
 * Names are compared raw and case-sensitively. A parameter of ours that appears twice is refused
 * rather than resolved (first? last?), because a cache, a proxy and this verifier might each pick a
 * different one (HTTP parameter pollution). A name that is percent-encoded is refused too: some
 * later decoder could read {@code %73ig} as {@code sig}.
 */
final class QueryParameters {
  private QueryParameters() {}

  /**
   * Puts the value of each of {@code names} found in {@code rawQuery} at the same position of
   * {@code values} (left {@code null} when absent). Other parameters are skipped.
   *
   * @return {@code null} on success, otherwise why the query is refused
   */
  static UrlRejection extract(String rawQuery, String[] names, String[] values) {
    if (rawQuery == null) {
      return null;
    }
    int n = rawQuery.length();
    int start = 0;
    while (start <= n) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      if (end > start) {
        int eq = rawQuery.indexOf('=', start);
        int nameEnd = (eq < 0 || eq > end) ? end : eq;
        for (int i = start; i < nameEnd; i++) {
          if (rawQuery.charAt(i) == '%') {
            return UrlRejection.MALFORMED;
          }
        }
        for (int k = 0; k < names.length; k++) {
          String name = names[k];
          if (name.length() == nameEnd - start && rawQuery.startsWith(name, start)) {
            if (values[k] != null) {
              return UrlRejection.DUPLICATE_PARAMETER;
            }
            values[k] = nameEnd == end ? "" : rawQuery.substring(nameEnd + 1, end);
            break;
          }
        }
      }
      start = end + 1;
    }
    return null;
  }

  /**
   * The offset of the first parameter named in {@code names}, or -1. CloudFront appends its
   * parameters after the URL's own, so what comes before them is the signed resource's query.
   */
  static int offsetOfFirst(String rawQuery, String[] names) {
    int n = rawQuery.length();
    int start = 0;
    while (start <= n) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      int eq = rawQuery.indexOf('=', start);
      int nameEnd = (eq < 0 || eq > end) ? end : eq;
      for (String name : names) {
        if (name.length() == nameEnd - start && rawQuery.startsWith(name, start)) {
          return start;
        }
      }
      start = end + 1;
    }
    return -1;
  }
}
