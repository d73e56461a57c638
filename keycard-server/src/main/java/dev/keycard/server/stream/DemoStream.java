package dev.keycard.server.stream;

import dev.keycard.core.hls.LivePlaylistWindow;
import dev.keycard.core.hls.SegmentFile;
import dev.keycard.core.hls.SegmentLookup;
import dev.keycard.core.hls.SegmentManifest;
import dev.keycard.core.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code demo} stream: the pre-encoded segments shipped in the jar
 * ({@code demo-stream/}), played in a loop as a live sliding window by {@link LivePlaylistWindow},
 * so the whole delivery path can be tried on a machine without an encoder.
 */
public final class DemoStream {
  public static final StreamId ID = new StreamId("demo");
  private static final String RESOURCES = "demo-stream/";
  private static final int WINDOW = 5;

  private final LivePlaylistWindow window;
  private final Map<String, Buffer> files;
  private final long peakBitsPerSecond;

  private DemoStream(LivePlaylistWindow window, Map<String, Buffer> files, long peakBitsPerSecond) {
    this.window = window;
    this.files = files;
    this.peakBitsPerSecond = peakBitsPerSecond;
  }

  /** Reads the shipped segments; a missing or bad resource is a packaging error and throws. */
  public static DemoStream load(InstantSource clock) {
    List<SegmentFile> segments = SegmentManifest.parse(resource("segments.txt").toString(StandardCharsets.UTF_8));
    Map<String, Buffer> files = new HashMap<>();
    long peak = 0;
    for (SegmentFile segment : segments) {
      Buffer file = resource(segment.name());
      files.put(segment.name(), file);
      peak = Math.max(peak, (long) Math.ceil(file.length() * 8e9 / segment.duration().toNanos()));
    }
    LivePlaylistWindow window = LivePlaylistWindow.builder().segments(segments).windowSize(WINDOW)
        .start(clock.instant()).clock(clock).build();
    return new DemoStream(window, Map.copyOf(files), peak);
  }

  OriginReply read(String file) {
    if (file.equals(StreamId.ENTRY_PLAYLIST)) {
      return new OriginReply.Found(Buffer.buffer(window.playlist()), MediaType.PLAYLIST, peakBitsPerSecond);
    }
    return switch (window.lookup(file)) {
      case SegmentLookup.Found found -> new OriginReply.Found(files.get(found.file().name()), MediaType.MPEG_TS);
      case SegmentLookup.Unknown unknown -> OriginReply.NOT_FOUND;
      case SegmentLookup.NotYetAvailable notYet -> OriginReply.NOT_FOUND;
    };
  }

  private static Buffer resource(String name) {
    try (InputStream in = DemoStream.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
