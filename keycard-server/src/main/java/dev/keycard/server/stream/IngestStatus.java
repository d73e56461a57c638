package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import java.time.Instant;
import java.util.List;

/**
 * What a stream's publisher needs to know about its ingest since this server started: whether
 * uploads arrive, and what was refused and why (an encoder is not always told, see docs/streaming.md).
 *
 * @param live           whether the stream is live now (a playlist updated recently)
 * @param lastSegmentAt  the last accepted segment, or {@code null}
 * @param lastPlaylistAt the last accepted playlist, or {@code null}
 * @param segments       segments accepted since the server started
 * @param bytes          bytes of segments accepted since the server started
 * @param publisher      who published last ({@code stream key …} or {@code client …}), or {@code null}
 * @param refused        the latest refused attempts (a bad or revoked key, a bad token), newest first
 * @param lastError      the latest upload refused although its credential was fine (bad media, too
 *                       large, an unknown file type), or {@code null}
 */
public record IngestStatus(
    StreamId stream,
    boolean live,
    Instant lastSegmentAt,
    Instant lastPlaylistAt,
    long segments,
    long bytes,
    String publisher,
    List<Event> refused,
    Event lastError) {

  public IngestStatus {
    refused = List.copyOf(refused);
  }

  /** One refusal: when, a fixed reason code and its fixed description (nothing from the request). */
  public record Event(Instant at, String reason, String description) {}
}
