package dev.keycard.core.signedurl;

import javax.crypto.Mac;

/**
 * A per-thread buffer that collects the canonical string of a URL as ASCII bytes and feeds it to a
 * MAC in one call, so verifying a URL builds no intermediate {@code String}. Fields are separated by
 * {@code '\n'}; callers only append fields already checked to be printable ASCII without a newline,
 * which is what makes the encoding unambiguous.
 */
final class CanonicalString {
  private byte[] buf = new byte[256];
  private int len;

  CanonicalString start(String label) {
    len = 0;
    append(label);
    return this;
  }

  CanonicalString field(String value) {
    put((byte) '\n');
    if (value != null) {
      append(value);
    }
    return this;
  }

  CanonicalString field(long value) {
    put((byte) '\n');
    if (value == 0) {
      put((byte) '0');
      return this;
    }
    int start = len;
    for (long v = value; v > 0; v /= 10) {
      put((byte) ('0' + (v % 10)));
    }
    for (int i = start, j = len - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    return this;
  }

  byte[] macWith(Mac mac) {
    mac.update(buf, 0, len);
    return mac.doFinal();
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private void append(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
