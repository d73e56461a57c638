package dev.keycard.server.config;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --trusted-proxies}: the address ranges (CIDR) of the reverse proxies and load balancers in
 * front of keycard. Only a connection from one of them may say, in {@code Forwarded} or
 * {@code X-Forwarded-For}, whom it forwards for; anyone else could write any address there.
 */
public final class TrustedProxies {
  /** Nobody: every decision uses the socket's address. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

  private final List<Range> ranges;
  private final String text;

  private TrustedProxies(List<Range> ranges, String text) {
    this.ranges = List.copyOf(ranges);
    this.text = text;
  }

  /**
   * Parses a comma-separated list of addresses and CIDR ranges ({@code 10.0.0.0/8, 127.0.0.1, ::1/128}).
   * Only literals: a host name would need DNS, at start and again whenever it changed.
   *
   * @throws IllegalArgumentException naming the entry that is not an address or range
   */
  public static TrustedProxies parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String entry : value.split(",")) {
      String item = entry.strip();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? item : item.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("--trusted-proxies: '" + item + "' is not an IP address or CIDR range");
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("--trusted-proxies: '" + item + "' has a prefix length outside 0-" + bits);
        }
      }
      ranges.add(new Range(address, prefix));
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(ranges, value.strip().toLowerCase(Locale.ROOT));
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code address} (4 or 16 bytes) is one of the trusted proxies. */
  public boolean contains(byte[] address) {
    for (Range range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "none" : text;
  }

  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false; // an IPv4 range never holds an IPv6 address, and the other way round
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }
}
