package dev.keycard.core.streamlimit;

import java.util.Locale;

/** What a stream start beyond the limit gets. */
public enum StreamLimitPolicy {
  /** The start is refused; the sessions already playing play on. */
  REFUSE,
  /** The start succeeds and the account's oldest active session is revoked, so its player stops. */
  EVICT_OLDEST;

  /** {@code refuse}, {@code evict-oldest}: the option's values. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @throws IllegalArgumentException for anything but an {@link #optionValue()} */
  public static StreamLimitPolicy parse(String value) {
    for (StreamLimitPolicy p : values()) {
      if (p.optionValue().equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("the stream-limit policy must be refuse or evict-oldest");
  }
}
