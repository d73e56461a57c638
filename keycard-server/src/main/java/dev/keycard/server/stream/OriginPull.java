package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|HEAD /origin/{stream}/{file}} (also as {@code /origin/live/{stream}/{file}}, the viewer's
 * path behind a CDN origin path of {@code /origin}): what nginx and CDNs pull from keycard's origin,
 * decided without any web framework type. The puller proves itself with the shared origin secret in
 * {@value #SECRET_HEADER} (compared in constant time); files are served exactly as the origin holds
 * them (playlists unmodified: their relative URIs inherit the viewer's directory token or cookies),
 * with cache lifetimes a CDN can use. Memory reads only: runs on the event loop.
 *
 * <p>keycard's own edge-only instances pull here too ({@link HttpOrigin}); a media playlist's peak
 * bit rate, which the edge declares as {@code BANDWIDTH} when it makes a single-variant playlist
 * around it, travels in {@value #PEAK_BANDWIDTH_HEADER}. A wrong or missing secret is logged (at most
 * a line a minute, with the count): an edge or CDN configured with another secret shows up here.
 */
public final class OriginPull {
  public static final String SECRET_HEADER = "Keycard-Origin-Secret";
  /** A media playlist's peak segment bit rate in bits per second, when the origin knows it. */
  public static final String PEAK_BANDWIDTH_HEADER = "Keycard-Peak-Bandwidth";
  public static final String PREFIX = "/origin/";
  private static final String LIVE = "live/";
  /**
   * Segment lifetime in shared caches, keycard's edge-only instances included. Short, because an
   * encoder restarted with the same segment names replaces their content; long enough that a cache
   * fetches each segment only a few times while viewers play it (players start about three target
   * durations behind the live edge).
   */
  public static final Duration SEGMENT_MAX_AGE = Duration.ofSeconds(10);
  private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final Logger log = LoggerFactory.getLogger(OriginPull.class);
  private static final Duration DEFAULT_TARGET_DURATION = Duration.ofSeconds(2);

  private final LocalOrigin origin;
  private final byte[] secret;
  private final AtomicInteger refusedSinceLog = new AtomicInteger();
  private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);

  /** @param secret the origin secret, or {@code null}: every request then answers 404, as if there were no route */
  public OriginPull(LocalOrigin origin, String secret) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  /** What to answer. */
  public sealed interface Answer {
    /**
     * @param cacheControl      the {@code Cache-Control} value for shared caches
     * @param peakBitsPerSecond for a media playlist, its peak segment bit rate (0: unknown)
     */
    record Serve(Buffer body, MediaType type, String cacheControl, long peakBitsPerSecond) implements Answer {}

    /** A JSON error: {@code {"error": error, "error_description": description}}, never cached. */
    record Refuse(int status, String error, String description) implements Answer {}
  }

  private static final Answer NO_ROUTE = new Answer.Refuse(404, "not_found", "No such resource");
  private static final Answer BAD_SECRET = new Answer.Refuse(403, "access_denied",
      "The origin is only for the CDN: the " + SECRET_HEADER + " header is missing or wrong");
  private static final Answer BAD_METHOD = new Answer.Refuse(405, "method_not_allowed", "Only GET and HEAD are served");
  private static final Answer BAD_PATH = new Answer.Refuse(400, "invalid_path",
      "The path must be /origin/{stream}/{file} with a plain file name ending in .m3u8, .ts, .m4s, .mp4 or .aac");
  private static final Answer UNKNOWN_STREAM = new Answer.Refuse(404, "unknown_stream", "No stream with this id is registered");
  private static final Answer OFFLINE = new Answer.Refuse(503, "stream_offline", "Nobody is publishing this stream now");
  private static final Answer NOT_FOUND = new Answer.Refuse(404, "not_found", "The stream has no such file now");
  private static final Map<Answer, OriginReply> FILE_REFUSALS = Map.of(UNKNOWN_STREAM, OriginReply.UNKNOWN_STREAM,
      OFFLINE, OriginReply.OFFLINE, NOT_FOUND, OriginReply.NOT_FOUND);

  /**
   * What an answer of this endpoint stands for, read back by an edge pulling here ({@link HttpOrigin}):
   * the {@link OriginReply} of a refusal about the file, or {@code null} for any other answer (a wrong
   * secret, a bad path, or the generic 404 of an origin without a secret, whose body the router's own
   * 404 shares). The inverse of {@link #answer}'s mapping, kept beside it.
   */
  public static OriginReply replyOf(int status, String error, String description) {
    return FILE_REFUSALS.get(new Answer.Refuse(status, error, description));
  }

  public boolean enabled() {
    return secret != null;
  }

  /**
   * @param getOrHead       whether the method is GET or HEAD
   * @param rawPath         the request path as received, still percent-encoded
   * @param presentedSecret the {@value #SECRET_HEADER} header, or {@code null}
   */
  public Answer answer(boolean getOrHead, String rawPath, String presentedSecret) {
    if (secret == null) {
      return NO_ROUTE;
    }
    // Before anything else: strangers learn nothing about streams or files.
    if (presentedSecret == null || !MessageDigest.isEqual(secret, presentedSecret.getBytes(StandardCharsets.UTF_8))) {
      logRefusal(presentedSecret == null);
      return BAD_SECRET;
    }
    if (!getOrHead) {
      return BAD_METHOD;
    }
    int from = rawPath.startsWith(PREFIX) ? PREFIX.length() : -1;
    // A CDN whose origin path is /origin asks for the viewer's path behind it: /origin/live/{stream}/{file}.
    if (from > 0 && rawPath.startsWith(LIVE, from) && rawPath.indexOf('/', from + LIVE.length()) > 0) {
      from += LIVE.length();
    }
    int slash = from < 0 ? -1 : rawPath.indexOf('/', from);
    String id = slash < 0 ? null : rawPath.substring(from, slash);
    String file = slash < 0 ? null : rawPath.substring(slash + 1);
    MediaType type = MediaType.ofFileName(file);
    if (!StreamId.isValid(id) || type == null) {
      return BAD_PATH;
    }
    return switch (origin.read(new StreamId(id), file)) {
      case OriginReply.Found found -> new Answer.Serve(found.body(), found.type(), cacheControl(found),
          found.peakBitsPerSecond());
      case OriginReply.NotFound n -> NOT_FOUND;
      case OriginReply.Offline o -> OFFLINE;
      case OriginReply.UnknownStream u -> UNKNOWN_STREAM;
    };
  }

  /** The first refusal, then at most a line a minute with the count; never the presented value. */
  private void logRefusal(boolean missing) {
    int refused = refusedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastRefusalLog.get();
    if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
      refusedSinceLog.addAndGet(-refused);
      log.warn("origin pull: refused {} request(s) whose {} header was {} (an edge or CDN with another origin secret?)",
          refused, SECRET_HEADER, missing ? "missing" : "wrong");
    }
  }

  /**
   * A live playlist changes every target duration: shared caches may keep it for half of one (at
   * least a second), so a burst of viewers costs one origin fetch while none falls behind the live
   * edge. RFC 8216 §6.2.2 lets a client reload no sooner than half a target duration after a change.
   */
  private static String cacheControl(OriginReply.Found found) {
    if (!found.type().isPlaylist()) {
      return "public, max-age=" + SEGMENT_MAX_AGE.toSeconds();
    }
    Duration target = LiveStream.targetDuration(found.body());
    long seconds = Math.max(1, (target == null ? DEFAULT_TARGET_DURATION : target).toSeconds() / 2);
    return "public, max-age=" + seconds;
  }
}
