package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code GET|HEAD /origin/{stream}/{file}} (also as {@code /origin/live/{stream}/{file}}, the viewer's
 * path behind a CDN origin path of {@code /origin}): what nginx and CDNs pull from keycard's origin,
 * decided without any web framework type. The puller proves itself with the shared origin secret in
 * {@value #SECRET_HEADER} (compared in constant time); files are served exactly as the origin holds
 * them (playlists unmodified: their relative URIs inherit the viewer's directory token or cookies),
 * with cache lifetimes a CDN can use. Memory reads only: runs on the event loop.
 */
public final class OriginPull {
  public static final String SECRET_HEADER = "Keycard-Origin-Secret";
  public static final String PREFIX = "/origin/";
  private static final String LIVE = "live/";
  /**
   * Segment lifetime in shared caches. Short, because an encoder restarted with the same segment
   * names replaces their content; long enough that a cache fetches each segment only a few times
   * while viewers play it (players start about three target durations behind the live edge).
   */
  static final Duration SEGMENT_MAX_AGE = Duration.ofSeconds(10);
  private static final Duration DEFAULT_TARGET_DURATION = Duration.ofSeconds(2);

  private final LocalOrigin origin;
  private final byte[] secret;

  /** @param secret the origin secret, or {@code null}: every request then answers 404, as if there were no route */
  public OriginPull(LocalOrigin origin, String secret) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  /** What to answer. */
  public sealed interface Answer {
    /** @param cacheControl the {@code Cache-Control} value for shared caches */
    record Serve(Buffer body, MediaType type, String cacheControl) implements Answer {}

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
      case OriginReply.Found found -> new Answer.Serve(found.body(), found.type(), cacheControl(found));
      case OriginReply.NotFound n -> NOT_FOUND;
      case OriginReply.Offline o -> OFFLINE;
      case OriginReply.UnknownStream u -> UNKNOWN_STREAM;
    };
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
