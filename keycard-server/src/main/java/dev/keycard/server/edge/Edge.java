package dev.keycard.server.edge;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keycard.server.edge.EdgeDecision.ServePlaylist;
import dev.keycard.server.edge.EdgeDecision.ServeSegment;
import dev.keycard.server.config.TrustedProxies;
import dev.keycard.server.http.ClientAddresses;
import dev.keycard.server.http.ListenerTls;
import dev.keycard.server.monitoring.Monitoring;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.Origin;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.OriginUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keycard's embedded CDN: the Vert.x adapter of {@link PlaybackRules}. It asks the rules what to do
 * with a request (on the event loop, no I/O), fetches playlists from the {@link Origin} and segments
 * through the {@link SegmentCache}, and writes the answer. Whatever happens, every request is
 * answered: an unexpected exception, in this thread or in a callback, ends in a generic 500 (logged
 * by class name only: a message could quote a URL).
 */
public final class Edge implements Handler<HttpServerRequest> {
  private static final CharSequence ACCESS_CONTROL_ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
  private static final CharSequence NOSNIFF_HEADER = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence PRIVATE_SEGMENT = HttpHeaders.createOptimized("private, max-age=60");
  private static final Logger log = LoggerFactory.getLogger(Edge.class);

  private final Origin origin;
  private final PlaybackRules rules;
  private final SegmentCache cache;
  private final ClientAddresses clientAddresses;
  private final EdgeMeters meters;

  public Edge(Origin origin, PlaybackRules rules, long cacheBytes) {
    this(origin, rules, cacheBytes, InstantSource.system(), new ClientAddresses(TrustedProxies.NONE));
  }

  /**
   * @param clock           times the life of segments from an origin that gives them one ({@link Origin#segmentLife()})
   * @param clientAddresses the rule for a viewer's address (playback bound to the client's address)
   */
  public Edge(Origin origin, PlaybackRules rules, long cacheBytes, InstantSource clock, ClientAddresses clientAddresses) {
    this(origin, rules, cacheBytes, clock, clientAddresses, Monitoring.inMemory());
  }

  /** @param monitoring where the edge's meters and audit events go */
  public Edge(Origin origin, PlaybackRules rules, long cacheBytes, InstantSource clock, ClientAddresses clientAddresses,
      Monitoring monitoring) {
    this.meters = new EdgeMeters(monitoring, clock);
    this.clientAddresses = Objects.requireNonNull(clientAddresses, "clientAddresses");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.rules = Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(clock, "clock");
    Ticker ticker = () -> {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
    this.cache = new SegmentCache(cacheBytes, origin.segmentLife(), ticker, monitoring.meters());
    origin.onChange(cache::invalidate);
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    try {
      // Browser players (hls.js) fetch cross-origin: the signature, not the page's origin, authorises.
      // nosniff: a segment is never to be read as a script or a page.
      response.putHeader(ACCESS_CONTROL_ALLOW_ORIGIN, "*").putHeader(NOSNIFF_HEADER, NOSNIFF);
      ListenerTls.strictTransport(request);
      if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
        response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
        answer(response, EdgeRefusal.METHOD_NOT_ALLOWED);
        return;
      }
      String clientIp = clientAddresses.of(request);
      switch (rules.decide(request.path(), request.query(), clientIp)) {
        case EdgeRefusal refusal -> {
          if (refusal != EdgeRefusal.NOT_FOUND) { // a credential refused (a bad URL, a revoked session)
            meters.refusedPlayback(refusal, clientIp);
          }
          answer(response, refusal);
        }
        case ServePlaylist playlist -> {
          Context context = Vertx.currentContext();
          long started = System.nanoTime();
          origin.fetch(playlist.stream(), playlist.file()).whenComplete((reply, failure) -> {
            meters.fetched(true, started);
            onContext(context, response, () -> servePlaylist(response, playlist, reply, failure));
          });
        }
        case ServeSegment segment -> {
          Context context = Vertx.currentContext();
          cache.get(segment.path(), () -> {
            long started = System.nanoTime();
            return origin.fetch(segment.stream(), segment.file()).whenComplete((r, e) -> meters.fetched(false, started));
          }).whenComplete((reply, failure) -> onContext(context, response, () -> serveSegment(response, reply, failure)));
        }
      }
    } catch (RuntimeException e) {
      fail(response, e);
    }
  }

  /** Segment bytes held in the cache now. */
  public long cachedBytes() {
    return cache.weightedSize();
  }

  private void servePlaylist(HttpServerResponse response, ServePlaylist request, OriginReply reply, Throwable failure) {
    if (!(reply instanceof OriginReply.Found found) || failure != null) {
      refuseOrigin(response, reply, failure);
      return;
    }
    switch (rules.playlist(request, found.body().toString(StandardCharsets.UTF_8), found.peakBitsPerSecond())) {
      case EdgeRefusal refusal -> {
        if (refusal.status() == 403) { // the ticket redeemed from no known address
          meters.refusedPlayback(refusal, request.clientIp());
        }
        answer(response, refusal);
      }
      case PlaylistOutcome.Serve serve -> {
        meters.servedPlaylist();
        response.setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.PLAYLIST.contentType())
            // Each viewer's copy is signed for them alone, and a live playlist changes every few seconds.
            .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
            .end(serve.text());
      }
    }
  }

  private void serveSegment(HttpServerResponse response, OriginReply reply, Throwable failure) {
    if (!(reply instanceof OriginReply.Found found) || failure != null) {
      refuseOrigin(response, reply, failure);
      return;
    }
    // Segments never change under one name (a replaced one is dropped from the cache), but each
    // viewer's URL is signed for them alone: only the viewer's own cache may keep them.
    meters.servedSegment();
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, found.type().contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, PRIVATE_SEGMENT)
        // Explicit, so a HEAD (players probing a segment's size) gets it too: Vert.x drops it otherwise.
        .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(found.body().length()))
        .end(found.body());
  }

  private void refuseOrigin(HttpServerResponse response, OriginReply reply, Throwable failure) {
    if (failure != null || reply == null) {
      if (failure != null) {
        originFailed(failure);
      } // else a segment fetch that failed: the cache logged it
      answer(response, EdgeRefusal.ORIGIN_UNAVAILABLE);
      return;
    }
    answer(response, EdgeRefusal.of(reply));
  }

  /** Counts, then writes, a refusal. */
  private void answer(HttpServerResponse response, EdgeRefusal refusal) {
    meters.refused(refusal);
    refuse(response, refusal);
  }

  /**
   * Logs a fetch the origin did not answer: by class name only (a message could quote a URL), or not
   * at all for a remote origin's {@link OriginUnavailableException}, since the remote origin logs when
   * it stops and starts answering and a line per request would flood.
   */
  static void originFailed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    if (cause instanceof OriginUnavailableException) {
      log.debug("origin fetch failed: {}", cause.getMessage());
    } else {
      log.warn("origin fetch failed: {}", cause.getClass().getSimpleName());
    }
  }

  /** Runs {@code action} on the request's event loop; whatever it throws ends in an answer. */
  private void onContext(Context context, HttpServerResponse response, Runnable action) {
    Runnable guarded = () -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        fail(response, e);
      }
    };
    if (context == null || Vertx.currentContext() == context) {
      guarded.run();
    } else {
      context.runOnContext(v -> guarded.run());
    }
  }

  private void fail(HttpServerResponse response, RuntimeException e) {
    log.error("edge: unexpected {} while answering a request", e.getClass().getName());
    try {
      answer(response, EdgeRefusal.SERVER_ERROR);
    } catch (RuntimeException again) {
      response.reset(); // the head may be out already: close rather than leave the request hanging
    }
  }

  static void refuse(HttpServerResponse response, EdgeRefusal refusal) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(refusal.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(Buffer.buffer(refusal.body()));
  }
}
