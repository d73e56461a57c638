package dev.keycard.server.stream;

import java.util.Objects;

/**
 * What the API's stream routes need: the origin (with its registry), stream-start, and the origin
 * pull that nginx and CDNs fetch from.
 */
public record Streaming(LocalOrigin origin, StreamStart start, OriginPull originPull) {
  public Streaming {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(originPull, "originPull");
  }

  /** Without origin pull ({@code /origin/} answers 404). */
  public Streaming(LocalOrigin origin, StreamStart start) {
    this(origin, start, new OriginPull(origin, null));
  }

  public StreamRegistry registry() {
    return origin.registry();
  }
}
