package dev.keycard.server.edge;

import dev.keycard.core.hls.MultivariantPlaylist;
import dev.keycard.core.hls.PlaylistRewrite;
import dev.keycard.core.hls.PlaylistRewriter;
import dev.keycard.core.hls.TargetDuration;
import dev.keycard.core.hls.UriSigner;
import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.streamlimit.PlaybackMarks;
import dev.keycard.server.edge.EdgeDecision.ServePlaylist;
import dev.keycard.server.edge.EdgeDecision.ServeSegment;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.PlaybackUrls;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's playback rules, free of any HTTP framework: which requests are served, and what a
 * playlist is answered with. {@link Edge} adapts them to Vert.x.
 *
 * <p><b>Every request</b>, in this order, with no I/O: the signed URL (signature, expiry, address
 * binding: one HMAC), its playback session against the {@link RevokedSessions} (a memory lookup), then
 * the path, which must be a media file of a stream ({@code /live/{stream}/{file}}); the edge fetches
 * nothing else from its origin.
 *
 * <p><b>Playback sessions.</b> Stream-start hands out a <em>ticket</em>: a URL of the stream's
 * playlist that lives a few minutes and is good only for opening a playback session. The edge answers
 * a ticket with a multivariant playlist whose media playlist URLs are signed for the session: they live
 * {@code sessionTtl} (hours), carry the same session id (so revoking the viewer's login session cuts
 * them at the next request) and, when configured, the requester's address. Players load a
 * multivariant playlist once and reload only the media playlists it names (RFC 8216 §6.3.4), so they
 * play for the whole session with no code of their own, while the ticket expires when stream-start
 * said. A stream whose encoder publishes a media playlist gets a single-variant playlist made around
 * it; one that publishes its own multivariant playlist gets it rewritten.
 *
 * <p><b>Playlists</b> are rewritten so that every URI is signed for the same session: nested
 * playlists until the URL that names them expires (the session's end), segments for three target
 * durations (20 s to 2 min, never beyond the session's end). A playlist naming another stream's files
 * is refused: a publisher of one stream must not hand its viewers URLs for another.
 */
public final class PlaybackRules {
  static final Duration MIN_SEGMENT_URL_LIFE = Duration.ofSeconds(20);
  /** Bounds how long a revoked session's entries must be kept (see {@link PlaybackDenylist}). */
  static final Duration MAX_SEGMENT_URL_LIFE = Duration.ofMinutes(2);
  private static final int SEGMENT_URL_TARGET_DURATIONS = 3;
  private static final Duration DEFAULT_TARGET = Duration.ofSeconds(2);
  private static final String LIVE = "/live/";
  private static final String PLAYLIST_SUFFIX = ".m3u8";
  private static final Logger log = LoggerFactory.getLogger(PlaybackRules.class);

  private final PlaybackUrls urls;
  private final RevokedSessions revoked;
  private final Duration sessionTtl;
  private final boolean bindSessionToClient;
  private final InstantSource clock;
  private final PlaybackUse uses;
  private final PlaybackMarks marks;
  private final PlaylistRewriter rewriter = PlaylistRewriter.builder().build();

  /**
   * @param sessionTtl          how long the URLs a ticket opens live
   * @param bindSessionToClient whether they work only from the address that redeemed the ticket
   */
  public PlaybackRules(PlaybackUrls urls, RevokedSessions revoked, Duration sessionTtl, boolean bindSessionToClient,
      InstantSource clock) {
    this(urls, revoked, sessionTtl, bindSessionToClient, clock, PlaybackUse.IGNORED, PlaybackMarks.NONE);
  }

  /**
   * @param uses  told of every request served for a playback session (anomaly detection: sharing)
   * @param marks notes each playback session a request is served for (the concurrent-stream limit
   *              and the viewer count): one memory write per served request
   */
  public PlaybackRules(PlaybackUrls urls, RevokedSessions revoked, Duration sessionTtl, boolean bindSessionToClient,
      InstantSource clock, PlaybackUse uses, PlaybackMarks marks) {
    this.uses = Objects.requireNonNull(uses, "uses");
    this.marks = Objects.requireNonNull(marks, "marks");
    this.urls = Objects.requireNonNull(urls, "urls");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.sessionTtl = Objects.requireNonNull(sessionTtl, "sessionTtl");
    if (sessionTtl.isNegative() || sessionTtl.isZero()) {
      throw new IllegalArgumentException("the playback session life must be positive");
    }
    this.bindSessionToClient = bindSessionToClient;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The longest a URL the edge signs can outlive the URL of the playlist it was signed from. */
  public static Duration maxSegmentUrlLife() {
    return MAX_SEGMENT_URL_LIFE;
  }

  /**
   * Decides a {@code GET}/{@code HEAD} from its raw path and query and the requester's address. Never
   * throws for bad input.
   */
  public EdgeDecision decide(String rawPath, String rawQuery, String clientIp) {
    UrlCheck check = urls.verify(rawPath, rawQuery, clientIp);
    if (!(check instanceof UrlCheck.Valid valid)) {
      return EdgeRefusal.of(((UrlCheck.Invalid) check).reason());
    }
    String session = valid.sessionId();
    if (session != null && revoked.isRevoked(session)) {
      return EdgeRefusal.SESSION_REVOKED;
    }
    if (session != null) {
      uses.used(session, clientIp);
    }
    String path = valid.path();
    StreamId stream = streamOf(path);
    String file = stream == null ? null : path.substring(stream.livePrefix().length());
    MediaType type = file == null ? null : MediaType.ofFileName(file);
    if (type == null) {
      return EdgeRefusal.NOT_FOUND;
    }
    if (valid.ticket() && !file.equals(StreamId.ENTRY_PLAYLIST)) {
      // A prefix-scheme ticket covers the stream's directory; it still opens only the playlist.
      return EdgeRefusal.of(UrlRejection.WRONG_SCOPE);
    }
    if (session != null) {
      marks.seen(session); // being fetched: the session is playing
    }
    if (type.isPlaylist()) {
      return new ServePlaylist(stream, file, path, valid, PlaybackUrls.schemeOf(rawPath), clientIp);
    }
    return new ServeSegment(stream, file, path);
  }

  /**
   * The answer to a playlist request, given the origin's playlist.
   *
   * @param peakBitsPerSecond the origin's figure for a media playlist (0: unknown), declared when a
   *                          ticket is answered with a single-variant playlist around it
   */
  public PlaylistOutcome playlist(ServePlaylist request, String originPlaylist, long peakBitsPerSecond) {
    Instant now = clock.instant();
    UrlCheck.Valid grant = request.grant();
    if (!grant.ticket()) {
      return rewrite(request, originPlaylist, grant.expiresAt(), grant.boundIp(), now);
    }
    Instant sessionEnd = Instant.ofEpochSecond(now.plus(sessionTtl).getEpochSecond());
    String clientIp = null;
    if (bindSessionToClient) {
      if (request.clientIp() == null) {
        return EdgeRefusal.of(UrlRejection.WRONG_CLIENT);
      }
      clientIp = request.clientIp();
    }
    if (MultivariantPlaylist.isMultivariant(originPlaylist)) {
      return rewrite(request, originPlaylist, sessionEnd, clientIp, now);
    }
    String media = urls.sign(request.scheme(), request.path(), sessionEnd, grant.sessionId(), clientIp);
    return new PlaylistOutcome.Serve(MultivariantPlaylist.singleVariant(media, peakBitsPerSecond));
  }

  private PlaylistOutcome rewrite(ServePlaylist request, String text, Instant playlistsExpire, String clientIp,
      Instant now) {
    Instant segmentsExpire = now.plus(segmentUrlLife(text));
    if (segmentsExpire.isAfter(playlistsExpire)) {
      segmentsExpire = playlistsExpire;
    }
    Instant segmentExpiry = segmentsExpire;
    String prefix = request.stream().livePrefix();
    String session = request.grant().sessionId();
    UriSigner signer = uri -> {
      if (!uri.startsWith(prefix) || uri.indexOf('/', prefix.length()) >= 0) {
        return null; // another stream's file, or a path no stream has
      }
      Instant exp = uri.endsWith(PLAYLIST_SUFFIX) ? playlistsExpire : segmentExpiry;
      return urls.sign(request.scheme(), uri, exp, session, clientIp);
    };
    return switch (rewriter.rewrite(text, request.path(), signer)) {
      case PlaylistRewrite.Rewritten rewritten -> new PlaylistOutcome.Serve(rewritten.text());
      case PlaylistRewrite.Refused refused -> {
        log.warn("refusing the origin's playlist {}: {} (line {})", request.path(), refused.reason().description(),
            refused.line());
        yield EdgeRefusal.BAD_ORIGIN_PLAYLIST;
      }
    };
  }

  /** Three target durations (RFC 8216 §6.3.4: a player reloads within that), 20 s to 2 min. */
  static Duration segmentUrlLife(String playlist) {
    Duration target = TargetDuration.of(playlist);
    Duration life = (target == null ? DEFAULT_TARGET : target).multipliedBy(SEGMENT_URL_TARGET_DURATIONS);
    if (life.compareTo(MIN_SEGMENT_URL_LIFE) < 0) {
      return MIN_SEGMENT_URL_LIFE;
    }
    return life.compareTo(MAX_SEGMENT_URL_LIFE) > 0 ? MAX_SEGMENT_URL_LIFE : life;
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
}
