package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamKeys;
import java.util.Objects;

/**
 * What the API's stream routes need: the origin (with its registry), stream-start, the stream keys
 * encoders publish with, the ingest activity behind each stream's status, and the origin pull that
 * nginx and CDNs fetch from.
 *
 * @param edgeBaseUrl where stream-start's URLs point (the edge, nginx or a CDN), or {@code null} when
 *                    unknown; the web player's Content-Security-Policy lets media come from there
 */
public record Streaming(LocalOrigin origin, StreamStart start, StreamKeys keys, IngestActivity activity,
    OriginPull originPull, String edgeBaseUrl) {
  public Streaming {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(activity, "activity");
    Objects.requireNonNull(originPull, "originPull");
  }

  /** Without a known edge address. */
  public Streaming(LocalOrigin origin, StreamStart start, StreamKeys keys, IngestActivity activity,
      OriginPull originPull) {
    this(origin, start, keys, activity, originPull, null);
  }

  public StreamRegistry registry() {
    return origin.registry();
  }
}
