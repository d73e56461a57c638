package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamKeys;
import java.util.Objects;

/**
 * What the API's stream routes need: the origin (with its registry), stream-start, the stream keys
 * encoders publish with, and the ingest activity behind each stream's status.
 */
public record Streaming(LocalOrigin origin, StreamStart start, StreamKeys keys, IngestActivity activity) {
  public Streaming {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(activity, "activity");
  }

  public StreamRegistry registry() {
    return origin.registry();
  }
}
