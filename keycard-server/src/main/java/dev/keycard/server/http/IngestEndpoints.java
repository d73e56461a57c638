package dev.keycard.server.http;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.stream.KeyCheck;
import dev.keycard.core.stream.KeyRefusal;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKeys;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.stream.IngestActivity;
import dev.keycard.server.stream.IngestOutcome;
import dev.keycard.server.stream.IngestPath;
import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.StreamRegistry;
import dev.keycard.server.stream.StreamScopes;
import dev.keycard.server.stream.Streaming;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * The origin's ingest: {@code PUT}, {@code DELETE} and {@code GET} of
 * {@code /ingest/{stream}/{key}/{file}} (a stream key in the path) or {@code /ingest/{stream}/{file}}
 * (a bearer token with {@code stream:publish} or {@code stream:publish:{stream}}), so an encoder that
 * writes HLS over HTTP (ffmpeg's {@code -method PUT}) publishes unchanged.
 *
 * <p>Bodies are read as they arrive, counted, and refused with 413 as soon as they pass the file
 * type's limit (chunked uploads have no length to check up front). The first bytes must match the
 * file type (415). A refused request whose body was not read gets {@code Connection: close}: the
 * unread rest of the body must not be taken for the next request on a persistent connection; it is
 * drained (bounded) before the close, so the client can still read the answer.
 *
 * <p>Every refused upload (4xx) is answered with {@code Connection: close} and, on a connection the
 * client meant to reuse, ends with a TCP reset once it is answered (and its body drained): ffmpeg
 * ignores the status of its uploads, and a reset of its persistent connection is what makes it stop
 * with an error (see {@link AbortiveClose}); a client that honours {@code Connection: close} reads
 * its answer and never sends on the reset connection. Refusals go to the stream's
 * {@link IngestActivity} (its status in the API, and the log).
 */
final class IngestEndpoints {
  /** How much of a refused upload is read and dropped before closing, and for how long at most. */
  private static final long DRAIN_BYTES = 64L * 1024 * 1024;
  private static final long DRAIN_MILLIS = 10_000;
  /** What every key refusal tells the client; the reason goes to the stream's status and the log. */
  private static final String INVALID_STREAM_KEY = "invalid_stream_key";
  private static final String KEY_DESCRIPTION = "The stream key is not valid for this stream";

  // Per-request facts the answer's end handler records; set where the decision is taken.
  private static final String TARGET = "keycard.ingest.target";
  private static final String KEY_REFUSAL = "keycard.ingest.keyRefusal";
  private static final String ERROR = "keycard.ingest.error";
  private static final String PUBLISHER = "keycard.ingest.publisher";

  private final Vertx vertx;
  private final LocalOrigin origin;
  private final StreamRegistry registry;
  private final StreamKeys keys;
  private final IngestActivity activity;
  private final BearerGuard guard;

  IngestEndpoints(Vertx vertx, Streaming streaming, BearerGuard guard) {
    this.vertx = vertx;
    this.origin = streaming.origin();
    this.registry = streaming.registry();
    this.keys = streaming.keys();
    this.activity = streaming.activity();
    this.guard = guard;
  }

  /** An error answered by ingest itself, recorded for the stream's status. */
  private record ErrorAnswer(String code, String description) {}

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean hasBody = hasBody(request);
    if (hasBody) {
      // Held until the credential and the path are checked; receive() reads it, anything else closes.
      request.pause();
    }
    HttpServerResponse response = ctx.response();
    // Through the routing context, never response.headersEndHandler/endHandler: those hold the
    // router's own handlers (the request timeout is cancelled by an end handler), which a direct call
    // would replace, and the timeout would then fire on every answered upload 30 s later.
    ctx.addHeadersEndHandler(v -> {
      boolean refused = isRefusal(request, response.getStatusCode());
      if (refused) {
        // Recorded before the answer leaves: the client's next attempt, perhaps on another event
        // loop, must find this one already in the stream's status, in the order they happened.
        record(ctx);
      }
      // Said before the close (unread body, or a reset after a refusal) so a client does not reuse it.
      if ((hasBody && !request.isEnded()) || refused) {
        response.putHeader(HttpHeaders.CONNECTION, "close");
      }
    });
    ctx.addEndHandler(ended -> {
      if (ended.succeeded()) {
        answered(ctx, hasBody);
      }
    });
    HttpMethod method = request.method();
    if (method != HttpMethod.PUT && method != HttpMethod.DELETE && method != HttpMethod.GET) {
      response.putHeader(HttpHeaders.ALLOW, "PUT, DELETE, GET");
      error(ctx, 405, "method_not_allowed", "The method is not allowed for this resource");
      return;
    }
    // The raw path, before any decoding or normalisation: only the two ingest shapes with plain names.
    Optional<IngestPath> parsed = IngestPath.parse(request.path());
    if (parsed.isEmpty()) {
      Responses.noStore(ctx);
      error(ctx, 400, "invalid_path", "The path must be /ingest/{stream}/{file} or /ingest/{stream}/{key}/{file}"
          + " with a plain file name ending in .m3u8, .ts, .m4s, .mp4 or .aac");
      return;
    }
    IngestPath target = parsed.get();
    ctx.put(TARGET, target);
    if (target.key() != null) {
      checkKey(ctx, target);
    } else {
      guard.checkUnlimited(ctx, null, (c, token) -> checkScope(c, token, target));
    }
  }

  /** A malformed key is refused on the event loop; any other needs the store, on a worker. */
  private void checkKey(RoutingContext ctx, IngestPath target) {
    if (!StreamKeys.isWellFormed(target.key())) {
      refuseKey(ctx, KeyRefusal.MALFORMED);
      return;
    }
    Blocking.run(vertx, ctx, () -> keys.check(target.stream().value(), target.key()), check -> {
      switch (check) {
        case KeyCheck.Valid valid -> requireStream(ctx, target, "stream key " + valid.key().keyId());
        case KeyCheck.Invalid invalid -> refuseKey(ctx, invalid.reason());
      }
    });
  }

  private void refuseKey(RoutingContext ctx, KeyRefusal reason) {
    ctx.put(KEY_REFUSAL, reason);
    Responses.noStore(ctx);
    Responses.error(ctx, 403, INVALID_STREAM_KEY, KEY_DESCRIPTION);
  }

  private void checkScope(RoutingContext ctx, AccessToken token, IngestPath target) {
    if (!StreamScopes.canPublish(token.scopes(), target.stream())) {
      BearerGuard.refuse(ctx, BearerError.insufficientScope(StreamScopes.publishScope(target.stream())));
      return;
    }
    String publisher = token.subject().equals(token.clientId())
        ? "client " + token.clientId() : "user " + token.subject() + " via client " + token.clientId();
    requireStream(ctx, target, publisher);
  }

  /** Memory first; a stream not in memory may have been added by another process: asked on a worker. */
  private void requireStream(RoutingContext ctx, IngestPath target, String publisher) {
    switch (registry.presence(target.stream())) {
      case REGISTERED -> publish(ctx, target, publisher);
      case UNREGISTERED -> unknownStream(ctx);
      case UNCERTAIN -> Blocking.run(vertx, ctx, () -> registry.confirm(target.stream()), found -> {
        if (found) {
          publish(ctx, target, publisher);
        } else {
          unknownStream(ctx);
        }
      });
    }
  }

  private void publish(RoutingContext ctx, IngestPath target, String publisher) {
    StreamId stream = target.stream();
    if (registry.isBuiltIn(stream)) {
      error(ctx, 409, "stream_built_in", "This stream is served by the server itself");
      return;
    }
    ctx.put(PUBLISHER, publisher);
    HttpServerRequest request = ctx.request();
    if (request.method() == HttpMethod.DELETE) {
      origin.delete(stream, target.file());
      ctx.response().setStatusCode(204).end();
    } else if (request.method() == HttpMethod.GET) {
      read(ctx, stream, target.file());
    } else {
      receive(ctx, stream, target.file(), target.type(), publisher);
    }
  }

  private void read(RoutingContext ctx, StreamId stream, String file) {
    switch (origin.read(stream, file)) {
      case OriginReply.Found f -> ctx.response().setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, f.type().contentType())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(f.body());
      case OriginReply.Offline o -> Responses.error(ctx, 503, "stream_offline", "The stream is not live");
      case OriginReply.NotFound n -> Responses.error(ctx, 404, "not_found", "No such resource");
      case OriginReply.UnknownStream u -> unknownStream(ctx);
    }
  }

  private void receive(RoutingContext ctx, StreamId stream, String file, MediaType type, String publisher) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      error(ctx, 400, "invalid_request", "The body is empty");
      return;
    }
    int max = type.maxBytes();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && (!length.matches("[0-9]{1,12}") || Long.parseLong(length) > max)) {
      tooLarge(ctx);
      return;
    }
    Buffer body = Buffer.buffer(length == null ? 64 * 1024 : Integer.parseInt(length));
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        refused[0] = true;
        request.pause();
        tooLarge(ctx);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> refused[0] = true);
    request.endHandler(v -> {
      if (refused[0]) {
        return;
      }
      if (body.length() == 0) {
        error(ctx, 400, "invalid_request", "The body is empty");
        return;
      }
      if (!type.accepts(body)) {
        error(ctx, 415, "invalid_media",
            type.isPlaylist() ? "A playlist must start with #EXTM3U" : "The content does not match the file type");
        return;
      }
      IngestOutcome outcome = origin.put(stream, file, type, body);
      switch (outcome) {
        case CREATED, REPLACED -> {
          activity.accepted(stream, type, body.length(), publisher);
          ctx.response().setStatusCode(outcome == IngestOutcome.CREATED ? 201 : 204).end();
        }
        case UNKNOWN_STREAM -> unknownStream(ctx);
        case BUILT_IN -> error(ctx, 409, "stream_built_in", "This stream is served by the server itself");
        case DELETED, ABSENT -> throw new IllegalStateException("not an upload outcome");
      }
    });
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    request.resume();
  }

  /**
   * Once the answer is written, decides how the connection ends. A refused upload on a connection the
   * client would reuse ends with a reset (after its body is drained); any other request whose body was
   * left unread is drained and closed.
   */
  private void answered(RoutingContext ctx, boolean hasBody) {
    HttpServerRequest request = ctx.request();
    boolean refused = isRefusal(request, ctx.response().getStatusCode());
    boolean reset = refused && reusesConnection(request);
    if (hasBody && !request.isEnded()) {
      closeAfterDraining(vertx, request, reset);
    } else if (reset) {
      AbortiveClose.reset(request.connection());
    }
  }

  /** Refusals for the credential or the target count as refused; any other, with a good credential, as a failure. */
  private void record(RoutingContext ctx) {
    IngestPath target = ctx.get(TARGET);
    StreamId stream = target == null ? null : target.stream();
    KeyRefusal keyRefusal = ctx.get(KEY_REFUSAL);
    BearerError bearerError = ctx.get(BearerGuard.REFUSAL);
    ErrorAnswer error = ctx.get(ERROR);
    if (keyRefusal != null) {
      activity.refused(stream, keyRefusal.code(), keyRefusal.description());
    } else if (bearerError != null) {
      activity.refused(stream, bearerError.code() == null ? "missing_token" : bearerError.code(),
          bearerError.description() == null ? "No bearer token and no stream key" : bearerError.description());
    } else if (error != null && ctx.get(PUBLISHER) != null) {
      activity.failed(stream, error.code(), error.description());
    } else if (error != null) {
      activity.refused(stream, error.code(), error.description());
    }
  }

  private static void error(RoutingContext ctx, int status, String code, String description) {
    ctx.put(ERROR, new ErrorAnswer(code, description));
    Responses.error(ctx, status, code, description);
  }

  private static void unknownStream(RoutingContext ctx) {
    Responses.noStore(ctx);
    error(ctx, 404, "unknown_stream", "No stream with this id is registered");
  }

  private static void tooLarge(RoutingContext ctx) {
    error(ctx, 413, "payload_too_large", "The file is larger than allowed for its type");
  }

  /** A 4xx to anything but a read: what an encoder must not take for success. */
  private static boolean isRefusal(HttpServerRequest request, int status) {
    return status >= 400 && status < 500 && request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD;
  }

  /** RFC 9112 §6.3: a request has a body when it declares a length above 0 or a transfer coding. */
  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
  }

  /** RFC 9112 §9.3: HTTP/1.1 keeps the connection unless told {@code close}; HTTP/1.0 only if asked to. */
  private static boolean reusesConnection(HttpServerRequest request) {
    String connection = request.getHeader(HttpHeaders.CONNECTION);
    String tokens = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
    if (request.version() == HttpVersion.HTTP_1_1) {
      return !hasToken(tokens, "close");
    }
    return request.version() == HttpVersion.HTTP_1_0 && hasToken(tokens, "keep-alive");
  }

  private static boolean hasToken(String commaList, String token) {
    for (String t : commaList.split(",")) {
      if (t.trim().equals(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes the connection of a request answered before its body was read. Closing at once makes the
   * kernel reset the connection over the unread bytes, and the reset can destroy the answer before
   * the client has read it (RFC 9112 §9.6: close in stages). So the rest of the body is read and
   * dropped first, up to a bound in bytes and in time, and only then is the connection closed, with
   * a reset when {@code reset} (see {@link #answered}).
   */
  private static void closeAfterDraining(Vertx vertx, HttpServerRequest request, boolean reset) {
    HttpConnection connection = request.connection();
    Runnable close = reset ? () -> AbortiveClose.reset(connection) : connection::close;
    long[] drained = {0};
    long timer = vertx.setTimer(DRAIN_MILLIS, t -> close.run());
    request.exceptionHandler(e -> connection.close());
    request.handler(chunk -> {
      drained[0] += chunk.length();
      if (drained[0] > DRAIN_BYTES) {
        vertx.cancelTimer(timer);
        close.run();
      }
    });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      close.run();
    });
    request.resume();
  }
}
