package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKeys;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An ingest request's target, read from the raw path (before any decoding or normalisation):
 * {@code /ingest/{stream}/{file}} for bearer tokens, {@code /ingest/{stream}/{key}/{file}} for stream
 * keys. The key goes in the path because the URL is the one field every encoder has; ffmpeg derives
 * each segment's URL from the playlist's, so every upload carries it.
 *
 * @param key the stream key as written in the path (checked later), or {@code null} for the bearer form
 */
public record IngestPath(StreamId stream, String key, String file, MediaType type) {
  public static final String PREFIX = "/ingest/";
  /** A path segment that may be a key: plain characters only, so a key never needs decoding. */
  private static final Pattern KEY_SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String HIDDEN = "(key)";

  /** The target, or empty when the path is not one of the two ingest shapes with plain names. */
  public static Optional<IngestPath> parse(String rawPath) {
    if (rawPath == null || !rawPath.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = rawPath.substring(PREFIX.length()).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || !StreamId.isValid(parts[0])) {
      return Optional.empty();
    }
    String key = parts.length == 3 ? parts[1] : null;
    if (key != null && !KEY_SEGMENT.matcher(key).matches()) {
      return Optional.empty();
    }
    String file = parts[parts.length - 1];
    MediaType type = MediaType.ofFileName(file);
    return type == null ? Optional.empty() : Optional.of(new IngestPath(new StreamId(parts[0]), key, file, type));
  }

  /**
   * {@code rawPath} fit for a log line, whatever route it was meant for: below
   * {@code /ingest/{stream}/} only the last segment (the file name) is kept, since every other one may
   * be a stream key; anywhere, a segment holding {@code kcsk_} (a key pasted in the wrong place) is
   * replaced by {@code (key)} as well.
   */
  public static String redact(String rawPath) {
    if (rawPath == null) {
      return null;
    }
    boolean ingest = rawPath.startsWith(PREFIX);
    String[] parts = rawPath.split("/", -1);
    // For an ingest path: "", "ingest", stream, [key segments...], file
    for (int i = 0; i < parts.length; i++) {
      boolean keySlot = ingest && i >= 3 && i < parts.length - 1;
      if (keySlot || parts[i].contains(StreamKeys.PREFIX)) {
        parts[i] = HIDDEN;
      }
    }
    return String.join("/", parts);
  }

  /** This target as it may be logged: without the key. */
  @Override
  public String toString() {
    return PREFIX + stream.value() + (key == null ? "" : "/" + HIDDEN) + "/" + file;
  }
}
