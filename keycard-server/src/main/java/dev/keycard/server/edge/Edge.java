package dev.keycard.server.edge;

import dev.keycard.core.hls.PlaylistRewrite;
import dev.keycard.core.hls.PlaylistRewriter;
import dev.keycard.core.hls.UriSigner;
import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.Origin;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.PlaybackUrls;
import dev.keycard.server.stream.StreamId;
import dev.keycard.server.stream.UrlScheme;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keycard's embedded CDN: serves {@code /live/{stream}/{file}} to players holding a signed URL.
 *
 * <p>Every request is checked first, on the event loop, with no bearer token and no call to the
 * authorization server: the URL's signature and expiry (one HMAC), then its playback session against
 * the {@link RevokedSessions} (a memory lookup). Only then is the path looked at, and only paths of
 * the origin's streams are fetched (no open proxy).
 *
 * <p>Playlists are fetched from the origin on every request and rewritten so that every URI in them
 * is signed for the same playback session: segments for three target durations (at least
 * {@link #MIN_SEGMENT_URL_LIFE}), nested playlists until the URL of the playlist that names them
 * expires. They are answered {@code no-store}: each viewer's copy is its own. Segments come from the
 * {@link SegmentCache}. Refusals are short JSON bodies with fixed text; nothing from the request or an
 * exception is echoed.
 */
public final class Edge implements Handler<HttpServerRequest> {
  static final Duration MIN_SEGMENT_URL_LIFE = Duration.ofSeconds(20);
  /** Bounds how long a revoked session's entries must be kept (see {@link PlaybackDenylist}). */
  static final Duration MAX_SEGMENT_URL_LIFE = Duration.ofMinutes(2);
  private static final int SEGMENT_URL_TARGET_DURATIONS = 3;
  private static final Duration DEFAULT_TARGET = Duration.ofSeconds(2);
  private static final String LIVE = "/live/";
  private static final CharSequence ACCESS_CONTROL_ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
  private static final CharSequence NOSNIFF_HEADER = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final Logger log = LoggerFactory.getLogger(Edge.class);

  private final Origin origin;
  private final PlaybackUrls urls;
  private final RevokedSessions revoked;
  private final SegmentCache cache;
  private final InstantSource clock;
  private final PlaylistRewriter rewriter = PlaylistRewriter.builder().build();

  public Edge(Origin origin, PlaybackUrls urls, RevokedSessions revoked, long cacheBytes, InstantSource clock) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.urls = Objects.requireNonNull(urls, "urls");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cache = new SegmentCache(cacheBytes);
    origin.onChange(cache::invalidate);
  }

  /** The longest a URL the edge signs can outlive the playlist URL it was signed from. */
  public static Duration maxSegmentUrlLife() {
    return MAX_SEGMENT_URL_LIFE;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    // Browser players (hls.js) fetch cross-origin: the signature, not the page's origin, authorises.
    // nosniff: a segment is never to be read as a script or a page.
    response.putHeader(ACCESS_CONTROL_ALLOW_ORIGIN, "*").putHeader(NOSNIFF_HEADER, NOSNIFF);
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
      refuse(response, 405, "method_not_allowed", "Only GET and HEAD are served");
      return;
    }
    SocketAddress remote = request.remoteAddress();
    UrlCheck check = urls.verify(request.path(), request.query(), remote == null ? null : remote.hostAddress());
    if (!(check instanceof UrlCheck.Valid valid)) {
      var reason = ((UrlCheck.Invalid) check).reason();
      refuse(response, reason.httpStatus(), reason.name().toLowerCase(java.util.Locale.ROOT), reason.description());
      return;
    }
    String session = valid.sessionId();
    if (session != null && revoked.isRevoked(session)) {
      refuse(response, 403, "session_revoked", "The playback session was revoked");
      return;
    }
    String path = valid.path();
    StreamId stream = streamOf(path);
    String file = stream == null ? null : path.substring(stream.livePrefix().length());
    MediaType type = file == null ? null : MediaType.ofFileName(file);
    if (type == null) {
      refuse(response, 404, "not_found", "No such resource");
      return;
    }
    if (type.isPlaylist()) {
      Context context = Vertx.currentContext();
      origin.fetch(stream, file).whenComplete((reply, failure) -> onContext(context, () ->
          servePlaylist(response, failure, reply, stream, path, valid, PlaybackUrls.schemeOf(request.path()))));
    } else {
      Context context = Vertx.currentContext();
      cache.get(path, () -> origin.fetch(stream, file)).whenComplete((reply, failure) ->
          onContext(context, () -> serveSegment(response, failure, reply)));
    }
  }

  /** Segment bytes held in the cache now. */
  public long cachedBytes() {
    return cache.weightedSize();
  }

  private void servePlaylist(HttpServerResponse response, Throwable failure, OriginReply reply, StreamId stream,
      String path, UrlCheck.Valid valid, UrlScheme scheme) {
    if (!(reply instanceof OriginReply.Found found) || failure != null) {
      refuseOrigin(response, failure, reply);
      return;
    }
    String text = found.body().toString(StandardCharsets.UTF_8);
    Instant now = clock.instant();
    Instant segmentsExpire = now.plus(segmentUrlLife(text));
    Instant playlistsExpire = valid.expiresAt();
    String prefix = stream.livePrefix();
    boolean[] foreign = {false};
    UriSigner signer = uri -> {
      // A publisher may name only its own stream's files: a playlist of stream a must not hand a's
      // viewers signed URLs for stream b, which they may not be entitled to.
      if (!uri.startsWith(prefix) || uri.indexOf('/', prefix.length()) >= 0) {
        foreign[0] = true;
        return "/refused";
      }
      Instant exp = uri.endsWith(".m3u8") ? playlistsExpire : segmentsExpire;
      return urls.sign(scheme, uri, exp, valid.sessionId());
    };
    PlaylistRewrite rewrite = rewriter.rewrite(text, path, signer);
    if (!(rewrite instanceof PlaylistRewrite.Rewritten rewritten) || foreign[0]) {
      if (rewrite instanceof PlaylistRewrite.Refused refused) {
        log.warn("refusing the origin's playlist {}: {} (line {})", path, refused.reason(), refused.line());
      } else {
        log.warn("refusing the origin's playlist {}: it names another stream's files", path);
      }
      refuse(response, 502, "bad_origin_playlist", "The origin's playlist cannot be served");
      return;
    }
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.PLAYLIST.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(rewritten.text());
  }

  private static void serveSegment(HttpServerResponse response, Throwable failure, OriginReply reply) {
    if (!(reply instanceof OriginReply.Found found) || failure != null) {
      refuseOrigin(response, failure, reply);
      return;
    }
    // Segments never change under one name (a replaced one is dropped from the cache), but each
    // viewer's URL is signed for them alone: only the viewer's own cache may keep them.
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, found.type().contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=60")
        // Explicit, so a HEAD (players probing a segment's size) gets it too: Vert.x drops it otherwise.
        .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(found.body().length()))
        .end(found.body());
  }

  private static void refuseOrigin(HttpServerResponse response, Throwable failure, OriginReply reply) {
    if (failure != null) {
      log.warn("origin fetch failed: {}", failure.getClass().getSimpleName());
      refuse(response, 502, "origin_unavailable", "The origin cannot be reached");
      return;
    }
    switch (reply) {
      case OriginReply.Offline o -> refuse(response, 503, "stream_offline", "The stream is not live");
      case OriginReply.UnknownStream u -> refuse(response, 404, "not_found", "No such resource");
      case OriginReply.NotFound n -> refuse(response, 404, "not_found", "No such resource");
      case OriginReply.Found f -> throw new IllegalStateException("not a refusal");
    }
  }

  /** Three target durations (RFC 8216 §6.3.4: a player reloads within that), 20 s to 2 min. */
  static Duration segmentUrlLife(String playlist) {
    Duration target = targetDuration(playlist);
    Duration life = (target == null ? DEFAULT_TARGET : target).multipliedBy(SEGMENT_URL_TARGET_DURATIONS);
    if (life.compareTo(MIN_SEGMENT_URL_LIFE) < 0) {
      return MIN_SEGMENT_URL_LIFE;
    }
    return life.compareTo(MAX_SEGMENT_URL_LIFE) > 0 ? MAX_SEGMENT_URL_LIFE : life;
  }

  private static Duration targetDuration(String playlist) {
    String tag = "#EXT-X-TARGETDURATION:";
    int at = playlist.indexOf(tag);
    if (at < 0) {
      return null;
    }
    int from = at + tag.length();
    int to = from;
    while (to < playlist.length() && to - from < 6 && Character.isDigit(playlist.charAt(to))) {
      to++;
    }
    return to == from ? null : Duration.ofSeconds(Integer.parseInt(playlist, from, to, 10));
  }

  /** {@code /live/{stream}/{file}} → the stream, or {@code null} for any other shape. */
  private static StreamId streamOf(String path) {
    if (!path.startsWith(LIVE)) {
      return null;
    }
    int slash = path.indexOf('/', LIVE.length());
    if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String id = path.substring(LIVE.length(), slash);
    return StreamId.isValid(id) ? new StreamId(id) : null;
  }

  private static void onContext(Context context, Runnable action) {
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  static void refuse(HttpServerResponse response, int status, String error, String description) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
  }
}
