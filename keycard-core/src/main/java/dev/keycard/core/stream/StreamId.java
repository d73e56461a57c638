package dev.keycard.core.stream;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a live stream: {@code [a-z0-9][a-z0-9_-]{0,63}}. It appears in paths
 * ({@code /live/{id}/index.m3u8}) and in scopes ({@code stream:watch:{id}}), so it is kept to an
 * alphabet that needs no escaping in either, and lower case so two spellings never name one stream.
 */
public record StreamId(String value) {
  private static final Pattern SYNTAX = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public StreamId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw new IllegalArgumentException("a stream id must match [a-z0-9][a-z0-9_-]{0,63}");
    }
  }

  public static boolean isValid(String value) {
    return value != null && SYNTAX.matcher(value).matches();
  }

  /**
   * The playlist players start from: encoders publish their (media or multivariant) playlist under
   * this name, as the README's ffmpeg command does.
   */
  public static final String ENTRY_PLAYLIST = "index.m3u8";

  /** The directory the stream's files are served from at the edge. */
  public String livePrefix() {
    return "/live/" + value + "/";
  }

  /** The edge path of {@link #ENTRY_PLAYLIST}. */
  public String entryPlaylistPath() {
    return livePrefix() + ENTRY_PLAYLIST;
  }

  @Override
  public String toString() {
    return value;
  }
}
