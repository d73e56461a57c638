package dev.keycard.server.http;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.stream.IngestOutcome;
import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.StreamId;
import dev.keycard.server.stream.StreamScopes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The origin's ingest: {@code PUT}, {@code DELETE} and {@code GET /ingest/{stream}/{file}}, so an
 * encoder that writes HLS over HTTP (ffmpeg's {@code -method PUT}) publishes unchanged. The bearer
 * token must carry {@code stream:publish} or {@code stream:publish:{stream}}.
 *
 * <p>Bodies are read as they arrive, counted, and refused with 413 as soon as they pass the file
 * type's limit (chunked uploads have no length to check up front). The first bytes must match the
 * file type (415). A refused request whose body was not read gets {@code Connection: close}: the
 * unread rest of the body must not be taken for the next request on a persistent connection; it is
 * drained (bounded) before the close, so the client can still read the answer.
 */
final class IngestEndpoints {
  private static final String INGEST = "/ingest/";
  /** How much of a refused upload is read and dropped before closing, and for how long at most. */
  private static final long DRAIN_BYTES = 64L * 1024 * 1024;
  private static final long DRAIN_MILLIS = 10_000;

  private final LocalOrigin origin;
  private final BearerGuard guard;

  IngestEndpoints(LocalOrigin origin, BearerGuard guard) {
    this.origin = origin;
    this.guard = guard;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean hasBody = hasBody(request);
    if (hasBody) {
      // Held until the token and the path are checked; receive() reads it, anything else closes.
      request.pause();
    }
    HttpServerResponse response = ctx.response();
    response.headersEndHandler(v -> {
      if (hasBody && !request.isEnded()) {
        response.putHeader(HttpHeaders.CONNECTION, "close");
      }
    });
    response.endHandler(v -> {
      if (hasBody && !request.isEnded()) {
        closeAfterDraining(ctx.vertx(), request);
      }
    });
    HttpMethod method = request.method();
    if (method != HttpMethod.PUT && method != HttpMethod.DELETE && method != HttpMethod.GET) {
      response.putHeader(HttpHeaders.ALLOW, "PUT, DELETE, GET");
      Responses.error(ctx, 405, "method_not_allowed", "The method is not allowed for this resource");
      return;
    }
    // The raw path, before any decoding or normalisation: only /ingest/{stream}/{file} with plain names.
    String path = request.path();
    int slash = path.indexOf('/', INGEST.length());
    String id = slash < 0 ? null : path.substring(INGEST.length(), slash);
    String file = slash < 0 ? null : path.substring(slash + 1);
    MediaType type = MediaType.ofFileName(file);
    if (!path.startsWith(INGEST) || !StreamId.isValid(id) || type == null) {
      Responses.noStore(ctx);
      Responses.error(ctx, 400, "invalid_path",
          "The path must be /ingest/{stream}/{file} with a plain file name ending in .m3u8, .ts, .m4s, .mp4 or .aac");
      return;
    }
    StreamId stream = new StreamId(id);
    guard.check(ctx, null, (c, token) -> authorized(c, token, stream, file, type));
  }

  private void authorized(RoutingContext ctx, AccessToken token, StreamId stream, String file, MediaType type) {
    if (!StreamScopes.canPublish(token.scopes(), stream)) {
      BearerGuard.refuse(ctx, BearerError.insufficientScope(StreamScopes.publishScope(stream)));
      return;
    }
    if (!origin.registry().isRegistered(stream)) {
      Responses.error(ctx, 404, "unknown_stream", "No stream with this id is registered");
      return;
    }
    if (origin.registry().isBuiltIn(stream)) {
      Responses.error(ctx, 409, "stream_built_in", "This stream is served by the server itself");
      return;
    }
    HttpServerRequest request = ctx.request();
    if (request.method() == HttpMethod.DELETE) {
      origin.delete(stream, file);
      ctx.response().setStatusCode(204).end();
    } else if (request.method() == HttpMethod.GET) {
      read(ctx, stream, file);
    } else {
      receive(ctx, stream, file, type);
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
      case OriginReply.UnknownStream u -> Responses.error(ctx, 404, "unknown_stream", "No stream with this id is registered");
    }
  }

  private void receive(RoutingContext ctx, StreamId stream, String file, MediaType type) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      Responses.error(ctx, 400, "invalid_request", "The body is empty");
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
        Responses.error(ctx, 400, "invalid_request", "The body is empty");
        return;
      }
      if (!type.accepts(body)) {
        Responses.error(ctx, 415, "invalid_media",
            type.isPlaylist() ? "A playlist must start with #EXTM3U" : "The content does not match the file type");
        return;
      }
      IngestOutcome outcome = origin.put(stream, file, type, body);
      switch (outcome) {
        case CREATED -> ctx.response().setStatusCode(201).end();
        case REPLACED -> ctx.response().setStatusCode(204).end();
        case UNKNOWN_STREAM -> Responses.error(ctx, 404, "unknown_stream", "No stream with this id is registered");
        case BUILT_IN -> Responses.error(ctx, 409, "stream_built_in", "This stream is served by the server itself");
        case DELETED, ABSENT -> throw new IllegalStateException("not an upload outcome");
      }
    });
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    request.resume();
  }

  /** RFC 9112 §6.3: a request has a body when it declares a length above 0 or a transfer coding. */
  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
  }

  /**
   * Closes the connection of a request answered before its body was read. Closing at once makes the
   * kernel reset the connection over the unread bytes, and the reset can destroy the answer before
   * the client has read it (RFC 9112 §9.6: close in stages). So the rest of the body is read and
   * dropped first, up to a bound in bytes and in time, and only then is the connection closed.
   */
  private static void closeAfterDraining(Vertx vertx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    long[] drained = {0};
    long timer = vertx.setTimer(DRAIN_MILLIS, t -> connection.close());
    request.exceptionHandler(e -> connection.close());
    request.handler(chunk -> {
      drained[0] += chunk.length();
      if (drained[0] > DRAIN_BYTES) {
        vertx.cancelTimer(timer);
        connection.close();
      }
    });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.resume();
  }

  private static void tooLarge(RoutingContext ctx) {
    Responses.error(ctx, 413, "payload_too_large", "The file is larger than allowed for its type");
  }
}
