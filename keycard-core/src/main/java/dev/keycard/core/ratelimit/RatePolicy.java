package dev.keycard.core.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quota: at most {@code quota} requests in each window of {@code window}. Written {@code 1000/1h}
 * (units {@code s}, {@code m}, {@code h}, {@code d}), as {@code --rate-limit} takes it.
 *
 * <p>The window is fixed, not sliding: the whole quota comes back at once when the window that
 * began with the first request ends, which is what the {@code t} parameter of the {@code RateLimit}
 * field announces.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10">draft-ietf-httpapi-ratelimit-headers-10</a>
 */
public record RatePolicy(long quota, Duration window) {
  /** The form of a policy, for messages and help. */
  public static final String FORM = "QUOTA/WINDOW, e.g. 1000/1h (window units s, m, h, d), or off";
  private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})/(\\d{0,9})([smhd])");

  public RatePolicy {
    if (quota < 1) {
      throw new IllegalArgumentException("a rate-limit quota must be at least 1");
    }
    if (window == null || window.toSeconds() < 1 || window.toDays() > 366) {
      throw new IllegalArgumentException("a rate-limit window must be between 1s and 366d");
    }
  }

  /**
   * Reads {@code 1000/1h}; {@code off} is {@code null} (no limit).
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static RatePolicy parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("off")) {
      return null;
    }
    Matcher m = SYNTAX.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("a rate limit is " + FORM);
    }
    long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    Duration unit = switch (m.group(3)) {
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      default -> Duration.ofDays(1);
    };
    return new RatePolicy(Long.parseLong(m.group(1)), unit.multipliedBy(amount));
  }

  /** The window in whole seconds: the {@code w} parameter of {@code RateLimit-Policy}. */
  public long windowSeconds() {
    return window.toSeconds();
  }

  /** {@code 1000/3600s}: an unambiguous form for logs and help. */
  public String format() {
    return quota + "/" + windowSeconds() + "s";
  }
}
