package dev.keycard.server.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * A cookie stream-start sets for the media host (CloudFront's signed cookies): the browser then
 * sends it with every playlist and segment request under {@code path}. It is a credential: sent only
 * over HTTPS, hidden from scripts, and dropped by the browser when it stops working.
 *
 * @param domain the {@code Domain} attribute, or {@code null} for a host-only cookie
 * @param path   the stream's directory, {@code /live/{stream}/}
 * @param maxAge how long from now it works (whole seconds): the browser drops it after that
 */
public record PlaybackCookie(String name, String value, String domain, String path, Duration maxAge) {
  public PlaybackCookie {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(maxAge, "maxAge");
  }

  @Override
  public String toString() {
    return "PlaybackCookie[name=" + name + ", value=(hidden), domain=" + domain + ", path=" + path + "]";
  }
}
