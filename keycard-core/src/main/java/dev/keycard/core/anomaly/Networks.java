package dev.keycard.core.anomaly;

import java.util.Locale;

/**
 * The network an address belongs to for the sharing check: its /24 (IPv4) or /64 (IPv6). A phone
 * hopping between addresses of its carrier's block, or a home behind a changing IPv6 privacy address,
 * counts as one place; people sharing a session from several homes do not.
 */
final class Networks {
  private Networks() {}

  /** {@code 203.0.113.7} → {@code 203.0.113.0/24}; {@code 2001:db8:a:b:1::2} → {@code 2001:db8:a:b::/64}; else {@code null}. */
  static String of(String ip) {
    if (ip == null || ip.isEmpty()) {
      return null;
    }
    int percent = ip.indexOf('%');
    String address = percent >= 0 ? ip.substring(0, percent) : ip;
    if (address.indexOf(':') < 0) {
      return ipv4(address);
    }
    int dot = address.indexOf('.');
    if (dot >= 0) { // ::ffff:203.0.113.7 and the like: the IPv4 address inside
      return ipv4(address.substring(address.lastIndexOf(':') + 1));
    }
    int[] groups = ipv6Groups(address);
    if (groups == null) {
      return null;
    }
    return String.format(Locale.ROOT, "%x:%x:%x:%x::/64", groups[0], groups[1], groups[2], groups[3]);
  }

  private static String ipv4(String address) {
    int last = address.lastIndexOf('.');
    if (last <= 0 || address.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    return address.substring(0, last) + ".0/24";
  }

  /** The eight 16-bit groups of an IPv6 literal (with at most one {@code ::}), or {@code null}. */
  private static int[] ipv6Groups(String address) {
    int gap = address.indexOf("::");
    String head = gap < 0 ? address : address.substring(0, gap);
    String tail = gap < 0 ? "" : address.substring(gap + 2);
    String[] h = head.isEmpty() ? new String[0] : head.split(":", -1);
    String[] t = tail.isEmpty() ? new String[0] : tail.split(":", -1);
    if ((gap < 0 && h.length != 8) || h.length + t.length > (gap < 0 ? 8 : 7)) {
      return null;
    }
    int[] groups = new int[8];
    try {
      for (int i = 0; i < h.length; i++) {
        groups[i] = group(h[i]);
      }
      for (int i = 0; i < t.length; i++) {
        groups[8 - t.length + i] = group(t[i]);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return groups;
  }

  private static int group(String text) {
    if (text.isEmpty() || text.length() > 4) {
      throw new NumberFormatException();
    }
    return Integer.parseInt(text, 16);
  }
}
