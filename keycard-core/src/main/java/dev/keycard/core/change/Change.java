package dev.keycard.core.change;

import java.util.Optional;

/**
 * A change to the shared store that every instance should act on at once, as one instance tells the
 * others (through a {@link ChangeFeed}). It names what changed and never carries the data: the store
 * stays the only source of truth, and a receiver reads from it. In particular a revocation message
 * holds a sequence number, never a token or a revoked id.
 */
public sealed interface Change {

  /**
   * Revocations up to {@code sequence} were saved: a replica that has not seen that far catches up
   * from the store. {@code savedAtMillis} is when the sender saved the last of them (epoch
   * milliseconds by its clock, 0 when not said): receivers measure how long revocations take to reach
   * them ({@code keycard.revocation.propagation}).
   */
  record Revoked(long sequence, long savedAtMillis) implements Change {
    public Revoked {
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence must not be negative");
      }
    }

    /** Without the time it was saved (an older sender's message). */
    public Revoked(long sequence) {
      this(sequence, 0);
    }
  }

  /** Something that each instance keeps a copy of was changed: the copy is to be read again. */
  enum Reload implements Change {
    /** Signing keys ({@code keycard keys rotate}). */
    SIGNING_KEYS("signing-keys"),
    /** URL-signing keys. */
    URL_KEYS("url-keys"),
    /** Registered streams ({@code keycard streams add}, {@code POST /api/v1/streams}). */
    STREAMS("streams");

    private final String wire;

    Reload(String wire) {
      this.wire = wire;
    }
  }

  /**
   * The message as it travels: {@code revoked:SEQUENCE}, {@code revoked:SEQUENCE@MILLIS} (with the
   * save time) or the reload's name, ASCII.
   */
  default String encode() {
    return switch (this) {
      case Revoked r -> r.savedAtMillis() > 0 ? "revoked:" + r.sequence() + "@" + r.savedAtMillis() : "revoked:" + r.sequence();
      case Reload reload -> reload.wire;
    };
  }

  /**
   * The change a message names, or empty for one this version does not know (a newer instance may
   * send more kinds; an older one ignores them and the periodic catch-up covers it).
   */
  static Optional<Change> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    if (message.startsWith("revoked:")) {
      String rest = message.substring("revoked:".length());
      int at = rest.indexOf('@');
      String digits = at < 0 ? rest : rest.substring(0, at);
      String millis = at < 0 ? "0" : rest.substring(at + 1);
      if (!isNumber(digits) || !isNumber(millis)) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Revoked(Long.parseLong(digits), Long.parseLong(millis)));
      } catch (NumberFormatException e) { // above Long.MAX_VALUE
        return Optional.empty();
      }
    }
    for (Reload reload : Reload.values()) {
      if (reload.wire.equals(message)) {
        return Optional.of(reload);
      }
    }
    return Optional.empty();
  }

  private static boolean isNumber(String digits) {
    return !digits.isEmpty() && digits.length() <= 19 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
