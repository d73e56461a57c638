package dev.keycard.core.hls;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * A live HLS media playlist made from a fixed loop of pre-encoded segments: the demo stream, without
 * an encoder. At any instant it lists the last {@code windowSize} segments of an endless stream that
 * plays the segments in order, forever.
 *
 * <p>The stream behaves as if it had started {@code windowSize} segments before the start instant, so
 * the first playlist is already full. Segment number {@code m} of the stream (its media sequence
 * number, RFC 8216 §3) plays file {@code m mod N} and is named {@code seg-<m>.ts}: one URI per
 * position, so a cache never confuses two loops, and {@link #lookup} maps the name back to the file.
 *
 * <p>Each loop after the first starts with {@code EXT-X-DISCONTINUITY} (timestamps restart with the
 * file). {@code EXT-X-PROGRAM-DATE-TIME} gives the wall-clock start of the first listed segment and of
 * the segment after each discontinuity, so the last listed segment ends at the present instant. {@code EXT-X-MEDIA-SEQUENCE} is the number of the first listed segment and
 * {@code EXT-X-DISCONTINUITY-SEQUENCE} counts the discontinuity tags that have left the window, so a
 * segment keeps the same media and discontinuity sequence numbers in every playlist that lists it
 * (RFC 8216 §6.2.2). There is never an {@code EXT-X-ENDLIST}.
 *
 * <p>Built once, immutable and thread-safe; time comes from the injected {@link InstantSource}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-6.2.2">RFC 8216 §6.2.2, Live Playlists</a>
 */
public final class LivePlaylistWindow {
  private static final String PREFIX = "seg-";
  private static final String SUFFIX = ".ts";
  /** Floating-point EXTINF durations need protocol version 3 (RFC 8216 §7). */
  private static final int VERSION = 3;
  private static final SegmentLookup.Unknown UNKNOWN = new SegmentLookup.Unknown();
  private static final DateTimeFormatter PROGRAM_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final SegmentFile[] files;
  /** {@code offsets[i]}: nanoseconds from the start of a loop to the start of file {@code i}; {@code offsets[N]} is the loop length. */
  private final long[] offsets;
  private final String[] extinf;
  private final int windowSize;
  private final long prerollNanos;
  private final Instant start;
  /** The wall-clock start of segment 0: the stream pretends to have begun a window before {@code start}. */
  private final Instant epoch;
  private final InstantSource clock;
  private final int targetDurationSeconds;

  private LivePlaylistWindow(Builder builder) {
    this.files = builder.segments.toArray(SegmentFile[]::new);
    this.windowSize = builder.windowSize;
    this.start = builder.start;
    this.clock = builder.clock;
    int n = files.length;
    this.offsets = new long[n + 1];
    this.extinf = new String[n];
    long longest = 0;
    long shortest = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      long nanos = files[i].duration().toNanos();
      offsets[i + 1] = offsets[i] + nanos;
      extinf[i] = "#EXTINF:" + seconds(nanos) + ",\n";
      longest = Math.max(longest, nanos);
      shortest = Math.min(shortest, nanos);
    }
    // RFC 8216 §4.3.3.1: each EXTINF rounded to the nearest integer must not exceed the target
    // duration; the ceiling always satisfies that.
    this.targetDurationSeconds = (int) ((longest + 999_999_999L) / 1_000_000_000L);
    // RFC 8216 §6.2.2: a live playlist must stay at least three target durations long.
    if ((double) shortest * windowSize < 3.0 * targetDurationSeconds * 1_000_000_000L) {
      throw new IllegalArgumentException("window of " + windowSize
          + " segments can be shorter than three target durations (RFC 8216 section 6.2.2)");
    }
    this.prerollNanos = startOf(windowSize);
    this.epoch = start.minusNanos(prerollNanos);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The playlist as a player fetching it now should see it. */
  public String playlist() {
    long produced = producedAt(clock.instant());
    long first = produced - windowSize;
    int n = files.length;
    long discontinuitiesGone = first == 0 ? 0 : (first - 1) / n;
    StringBuilder out = new StringBuilder(160 + windowSize * 48);
    out.append("#EXTM3U\n#EXT-X-VERSION:").append(VERSION)
        .append("\n#EXT-X-TARGETDURATION:").append(targetDurationSeconds)
        .append("\n#EXT-X-MEDIA-SEQUENCE:").append(first)
        .append("\n#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitiesGone)
        .append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (long m = first; m < produced; m++) {
      int file = (int) (m % n);
      boolean discontinuity = file == 0 && m > 0;
      if (discontinuity) {
        out.append("#EXT-X-DISCONTINUITY\n");
      }
      if (discontinuity || m == first) {
        // RFC 8216 §4.3.2.6: the date of the first sample of the segment, in ISO 8601 with millis.
        out.append("#EXT-X-PROGRAM-DATE-TIME:")
            .append(PROGRAM_DATE_TIME.format(epoch.plusNanos(startOf(m)))).append('\n');
      }
      out.append(extinf[file]).append(PREFIX).append(m).append(SUFFIX).append('\n');
    }
    return out.toString();
  }

  /**
   * Maps a segment name from the playlist ({@code seg-<mediaSequence>.ts}, no leading zeros) back to
   * the shipped file. Segments that already left the window are still found: their content never
   * changes, so a late player or a cache may fetch them.
   */
  public SegmentLookup lookup(String segmentName) {
    long sequence = sequenceOf(segmentName);
    if (sequence < 0) {
      return UNKNOWN;
    }
    if (sequence >= producedAt(clock.instant())) {
      return new SegmentLookup.NotYetAvailable(sequence);
    }
    return new SegmentLookup.Found(files[(int) (sequence % files.length)], sequence);
  }

  /** The name the playlist gives to segment {@code mediaSequence}. */
  public static String segmentName(long mediaSequence) {
    if (mediaSequence < 0) {
      throw new IllegalArgumentException("media sequence numbers are not negative");
    }
    return PREFIX + mediaSequence + SUFFIX;
  }

  public Duration targetDuration() {
    return Duration.ofSeconds(targetDurationSeconds);
  }

  /** How many segments of the stream are complete at {@code now}, counting the pre-roll. */
  private long producedAt(Instant now) {
    long elapsed = now.isAfter(start) ? elapsedNanos(now) : 0;
    long position = elapsed + prerollNanos;
    long loopNanos = offsets[files.length];
    long loops = position / loopNanos;
    long intoLoop = position % loopNanos;
    int file = files.length - 1;
    while (offsets[file] > intoLoop) {
      file--;
    }
    return loops * files.length + file;
  }

  private long elapsedNanos(Instant now) {
    try {
      return Duration.between(start, now).toNanos();
    } catch (ArithmeticException beyondCenturies) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Nanoseconds from the start of the stream to the start of segment {@code m}. */
  private long startOf(long m) {
    int n = files.length;
    return (m / n) * offsets[n] + offsets[(int) (m % n)];
  }

  /** The media sequence number in {@code seg-<m>.ts}, or -1 if the name is not one we write. */
  private static long sequenceOf(String name) {
    if (name == null || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    int from = PREFIX.length();
    int to = name.length() - SUFFIX.length();
    int digits = to - from;
    if (digits < 1 || digits > 18 || (digits > 1 && name.charAt(from) == '0')) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Seconds with three to six decimals: {@code 2.000}, {@code 2.021333}. */
  private static String seconds(long nanos) {
    long micros = nanos / 1_000;
    String fraction = String.valueOf(1_000_000 + micros % 1_000_000).substring(1);
    int end = fraction.length();
    while (end > 3 && fraction.charAt(end - 1) == '0') {
      end--;
    }
    return (micros / 1_000_000) + "." + fraction.substring(0, end);
  }

  /** Configures a {@link LivePlaylistWindow}; {@link #build()} fails fast on a bad setting. */
  public static final class Builder {
    private List<SegmentFile> segments;
    private int windowSize = 3;
    private Instant start;
    private InstantSource clock;

    private Builder() {}

    /** The files of one loop, in play order; their names must end with {@code .ts}. */
    public Builder segments(List<SegmentFile> segments) {
      this.segments = List.copyOf(segments);
      return this;
    }

    /** How many segments each playlist lists (default 3). */
    public Builder windowSize(int segments) {
      this.windowSize = segments;
      return this;
    }

    /** The instant the stream goes live (the server's start time). */
    public Builder start(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public LivePlaylistWindow build() {
      if (segments == null || segments.isEmpty()) {
        throw new IllegalArgumentException("a live window needs at least one segment");
      }
      for (SegmentFile segment : segments) {
        if (!segment.name().endsWith(SUFFIX)) {
          throw new IllegalArgumentException("segment files must be MPEG-TS (" + SUFFIX + "): " + segment.name());
        }
      }
      if (windowSize < 1) {
        throw new IllegalArgumentException("window size must be at least 1");
      }
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(clock, "clock");
      return new LivePlaylistWindow(this);
    }
  }
}
