package dev.keycard.server.stream;

import dev.keycard.core.hls.PeakBitrate;
import dev.keycard.core.hls.TargetDuration;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One published stream's files at the origin, kept as a bounded sliding window in memory: the
 * segments the current playlists name, plus the few most recent ones they do not name (just
 * uploaded and not yet listed, or just slid out and still being fetched by a late player). However
 * long an encoder runs, the window never holds more than {@link #MAX_SEGMENTS} segments or
 * {@link #MAX_BYTES} bytes, and an encoder that never sends {@code DELETE} cannot make it grow.
 *
 * <p>A stream is live while its playlists keep being updated: RFC 8216 §6.2.2 has a server add a
 * segment at least every target duration, so three target durations without a playlist update means
 * the encoder has stopped. Methods are synchronized: each is a few map operations, never I/O.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-6.2.2">RFC 8216 §6.2.2, Live Playlists</a>
 */
final class LiveStream {
  static final int MAX_SEGMENTS = 32;
  static final long MAX_BYTES = 128L * 1024 * 1024;
  static final int MAX_PLAYLISTS = 16;
  /** Unlisted segments kept besides the listed ones. */
  static final int MARGIN = 3;
  /** When a stream has no media playlist yet (only a multivariant one), assume 2 s segments. */
  private static final Duration DEFAULT_TARGET = Duration.ofSeconds(2);
  private static final int LIVE_FOR_TARGET_DURATIONS = 3;
  private static final Duration MIN_LIVE_FOR = Duration.ofSeconds(6);

  /** Insertion order is upload order: the eldest entry is the first to go. */
  private final LinkedHashMap<String, Buffer> segments = new LinkedHashMap<>();
  private final Map<String, Buffer> playlists = new LinkedHashMap<>();
  private final Map<String, MediaType> types = new HashMap<>();
  private final Map<String, Set<String>> namedBy = new HashMap<>();
  /** Per media playlist, its peak segment bit rate when it was stored (0 when unknown). */
  private final Map<String, Long> peakBitrates = new HashMap<>();
  private final Consumer<String> changed;
  private long bytes;
  private Instant lastPlaylistAt;
  private Duration targetDuration = DEFAULT_TARGET;

  /** @param changed told the name of every file replaced or dropped */
  LiveStream(Consumer<String> changed) {
    this.changed = changed;
  }

  /** Stores a file; {@code true} when it replaced one of the same name. */
  synchronized boolean put(String file, MediaType type, Buffer body, Instant now) {
    boolean replaced;
    if (type.isPlaylist()) {
      if (!playlists.containsKey(file) && playlists.size() >= MAX_PLAYLISTS) {
        dropEldestPlaylist();
      }
      replaced = playlists.put(file, body) != null;
      namedBy.put(file, namedFiles(body));
      peakBitrates.put(file, PeakBitrate.of(body.toString(StandardCharsets.UTF_8), this::sizeOf));
      lastPlaylistAt = now;
      Duration target = targetDuration(body);
      if (target != null) {
        targetDuration = target;
      }
      pruneUnlisted();
    } else {
      Buffer old = segments.remove(file);
      replaced = old != null;
      if (old != null) {
        bytes -= old.length();
      }
      segments.put(file, body);
      bytes += body.length();
    }
    types.put(file, type);
    if (replaced) {
      changed.accept(file);
    }
    enforceCaps();
    return replaced;
  }

  /** Deletes a file; {@code false} when there was none (already slid out of the window). */
  synchronized boolean delete(String file) {
    Buffer removed = playlists.remove(file);
    if (removed != null) {
      namedBy.remove(file);
      peakBitrates.remove(file);
    } else {
      removed = segments.remove(file);
      if (removed != null) {
        bytes -= removed.length();
      }
    }
    if (removed == null) {
      return false;
    }
    types.remove(file);
    changed.accept(file);
    return true;
  }

  synchronized OriginReply read(String file, Instant now) {
    if (!isLive(now)) {
      return OriginReply.OFFLINE;
    }
    Buffer body = playlists.get(file);
    if (body != null) {
      return new OriginReply.Found(body, types.get(file), peakBitrates.getOrDefault(file, 0L));
    }
    body = segments.get(file);
    return body == null ? OriginReply.NOT_FOUND : new OriginReply.Found(body, types.get(file));
  }

  /** The size of the segment a playlist line names in this stream's directory, or -1. */
  private long sizeOf(String uri) {
    Buffer segment = segments.get(lastSegment(uri));
    return segment == null ? -1 : segment.length();
  }

  synchronized boolean isLive(Instant now) {
    if (lastPlaylistAt == null) {
      return false;
    }
    Duration liveFor = targetDuration.multipliedBy(LIVE_FOR_TARGET_DURATIONS);
    if (liveFor.compareTo(MIN_LIVE_FOR) < 0) {
      liveFor = MIN_LIVE_FOR;
    }
    return now.isBefore(lastPlaylistAt.plus(liveFor));
  }

  synchronized int segmentCount() {
    return segments.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Drops unlisted segments except the {@link #MARGIN} most recently uploaded. */
  private void pruneUnlisted() {
    Set<String> listed = new HashSet<>();
    namedBy.values().forEach(listed::addAll);
    List<String> unlisted = new ArrayList<>();
    for (String name : segments.keySet()) {
      if (!listed.contains(name)) {
        unlisted.add(name);
      }
    }
    for (int i = 0; i < unlisted.size() - MARGIN; i++) {
      drop(unlisted.get(i));
    }
  }

  private void enforceCaps() {
    Iterator<String> eldest = segments.keySet().iterator();
    while ((segments.size() > MAX_SEGMENTS || bytes > MAX_BYTES) && eldest.hasNext()) {
      String name = eldest.next();
      bytes -= segments.get(name).length();
      eldest.remove();
      types.remove(name);
      changed.accept(name);
    }
  }

  private void drop(String name) {
    Buffer removed = segments.remove(name);
    if (removed != null) {
      bytes -= removed.length();
      types.remove(name);
      changed.accept(name);
    }
  }

  private void dropEldestPlaylist() {
    String any = playlists.keySet().iterator().next();
    playlists.remove(any);
    namedBy.remove(any);
    peakBitrates.remove(any);
    types.remove(any);
    changed.accept(any);
  }

  /**
   * The file names a playlist refers to in its own directory: URI lines and quoted {@code URI="..."}
   * attributes, reduced to their last path segment. Only used to decide what to keep, so a name it
   * misses is merely kept as margin or dropped early, never served wrongly.
   */
  static Set<String> namedFiles(Buffer playlist) {
    Set<String> names = new HashSet<>();
    for (String line : playlist.toString(StandardCharsets.UTF_8).split("\r?\n")) {
      String s = line.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.charAt(0) != '#') {
        names.add(lastSegment(s));
        continue;
      }
      int at = 0;
      while ((at = s.indexOf("URI=\"", at)) >= 0) {
        int start = at + 5;
        int end = s.indexOf('"', start);
        if (end < 0) {
          break;
        }
        names.add(lastSegment(s.substring(start, end)));
        at = end + 1;
      }
    }
    return names;
  }

  private static String lastSegment(String uri) {
    int cut = uri.length();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        cut = i;
        break;
      }
    }
    String path = uri.substring(0, cut);
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** {@code EXT-X-TARGETDURATION} (RFC 8216 §4.3.3.1), or {@code null} when absent or malformed. */
  static Duration targetDuration(Buffer playlist) {
    return TargetDuration.of(playlist.toString(StandardCharsets.UTF_8));
  }
}
