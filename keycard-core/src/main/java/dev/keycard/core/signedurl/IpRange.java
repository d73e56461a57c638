package dev.keycard.core.signedurl;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}) as CloudFront's
 * {@code AWS:SourceIp} condition names it. Text is parsed as an address literal only, never looked
 * up: dotted quads by hand, IPv6 (anything with a colon) by {@link InetAddress#getByName}, which
 * treats a string containing ':' as a literal and never queries DNS for it.
 */
final class IpRange {
  private final byte[] network;
  private final int prefixBits;

  private IpRange(byte[] network, int prefixBits) {
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /** The block, or {@code null} when {@code cidr} is not {@code address/bits}. */
  static IpRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return null;
    }
    byte[] address = address(cidr.substring(0, slash));
    long bits = UrlAlphabet.parseEpochSeconds(cidr.substring(slash + 1));
    if (address == null || bits < 0 || bits > address.length * 8L) {
      return null;
    }
    return new IpRange(address, (int) bits);
  }

  boolean contains(String ip) {
    byte[] a = ip == null ? null : address(ip);
    if (a == null || a.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  /** 4 or 16 bytes, or {@code null} when {@code text} is no address literal. */
  static byte[] address(String text) {
    if (!UrlAlphabet.isIpText(text)) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      try {
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException | SecurityException e) {
        return null;
      }
    }
    byte[] out = new byte[4];
    int part = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '.') {
        if (part == 4 || i - start < 1 || i - start > 3) {
          return null;
        }
        long v = UrlAlphabet.parseEpochSeconds(text.substring(start, i));
        if (v < 0 || v > 255) {
          return null;
        }
        out[part++] = (byte) v;
        start = i + 1;
      }
    }
    return part == 4 ? out : null;
  }
}
