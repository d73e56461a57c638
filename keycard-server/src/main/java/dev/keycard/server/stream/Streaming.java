package dev.keycard.server.stream;

import java.util.Objects;

/** What the API's stream routes need: the origin (with its registry) and stream-start. */
public record Streaming(LocalOrigin origin, StreamStart start) {
  public Streaming {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(start, "start");
  }

  public StreamRegistry registry() {
    return origin.registry();
  }
}
