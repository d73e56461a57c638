package dev.keycard.server.http;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.stream.IssuedStreamKey;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.stream.IngestPath;
import dev.keycard.server.stream.IngestStatus;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.StreamScopes;
import dev.keycard.server.stream.Streaming;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The publisher's side of a stream, for a bearer token with {@code stream:publish} or
 * {@code stream:publish:{id}}: its stream keys and its ingest status.
 *
 * <ul>
 *   <li>{@code POST /api/v1/streams/{id}/keys}: 201 with the new key, shown this once
 *   <li>{@code GET /api/v1/streams/{id}/keys}: the keys' ids and times, never a secret
 *   <li>{@code DELETE /api/v1/streams/{id}/keys/{key_id}}: 204; the next upload with it is refused
 *   <li>{@code GET /api/v1/streams/{id}}: the ingest status ({@link IngestStatus})
 * </ul>
 *
 * Entitlement is checked before existence (403, then 404), as for stream-start. Times are RFC 3339
 * in UTC. Key operations touch the database: on a worker.
 */
final class PublishingEndpoints {
  private final Vertx vertx;
  private final Streaming streaming;

  PublishingEndpoints(Vertx vertx, Streaming streaming) {
    this.vertx = vertx;
    this.streaming = streaming;
  }

  void issueKey(RoutingContext ctx, AccessToken token) {
    publishable(ctx, token, stream -> Blocking.run(vertx, ctx, () -> streaming.keys().issue(stream.value()), issued -> {
      Responses.noStore(ctx);
      Responses.json(ctx, 201, issuedJson(issued));
    }));
  }

  void listKeys(RoutingContext ctx, AccessToken token) {
    publishable(ctx, token, stream -> Blocking.run(vertx, ctx, () -> streaming.keys().list(stream.value()), keys -> {
      JsonArray list = new JsonArray();
      keys.forEach(k -> list.add(keyJson(k)));
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject().put("stream_id", stream.value()).put("keys", list));
    }));
  }

  void revokeKey(RoutingContext ctx, AccessToken token) {
    String keyId = ctx.pathParam("key_id");
    publishable(ctx, token, stream -> Blocking.run(vertx, ctx, () -> streaming.keys().revoke(stream.value(), keyId),
        revoked -> {
          Responses.noStore(ctx);
          if (revoked.isEmpty()) {
            Responses.error(ctx, 404, "unknown_key", "The stream has no key with this id");
          } else {
            ctx.response().setStatusCode(204).end();
          }
        }));
  }

  void status(RoutingContext ctx, AccessToken token) {
    publishable(ctx, token, stream -> {
      boolean live = streaming.origin().read(stream, StreamId.ENTRY_PLAYLIST) instanceof OriginReply.Found;
      IngestStatus s = streaming.activity().status(stream, live);
      JsonArray refused = new JsonArray();
      s.refused().forEach(e -> refused.add(eventJson(e)));
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject()
          .put("stream_id", stream.value())
          .put("live", s.live())
          .put("last_segment_at", time(s.lastSegmentAt()))
          .put("last_playlist_at", time(s.lastPlaylistAt()))
          .put("segments", s.segments())
          .put("bytes", s.bytes())
          .put("publisher", s.publisher())
          .put("refused", refused)
          .put("last_error", s.lastError() == null ? null : eventJson(s.lastError())));
    });
  }

  /**
   * Calls {@code then} with the path's stream when the token may publish it and it is a registered
   * stream of the store (not the built-in one); answers the refusal otherwise.
   */
  private void publishable(RoutingContext ctx, AccessToken token, Consumer<StreamId> then) {
    String id = ctx.pathParam("id");
    if (!StreamId.isValid(id)) {
      Responses.invalidRequest(ctx, "The stream id must match [a-z0-9][a-z0-9_-]{0,63}");
      return;
    }
    StreamId stream = new StreamId(id);
    if (!StreamScopes.canPublish(token.scopes(), stream)) {
      BearerGuard.refuse(ctx, BearerError.insufficientScope(StreamScopes.publishScope(stream)));
      return;
    }
    Consumer<Boolean> registered = found -> {
      if (!found) {
        Responses.noStore(ctx);
        Responses.error(ctx, 404, "unknown_stream", "No stream with this id is registered");
      } else if (streaming.registry().isBuiltIn(stream)) {
        Responses.noStore(ctx);
        Responses.error(ctx, 409, "stream_built_in", "This stream is served by the server itself");
      } else {
        then.accept(stream);
      }
    };
    switch (streaming.registry().presence(stream)) {
      case REGISTERED -> registered.accept(true);
      case UNREGISTERED -> registered.accept(false);
      case UNCERTAIN -> Blocking.run(vertx, ctx, () -> streaming.registry().confirm(stream), registered);
    }
  }

  private static JsonObject issuedJson(IssuedStreamKey issued) {
    StreamKey key = issued.key();
    return new JsonObject()
        .put("stream_id", key.streamId())
        .put("key_id", key.keyId())
        .put("stream_key", issued.secret())
        .put("ingest_path", IngestPath.PREFIX + key.streamId() + "/" + issued.secret() + "/" + StreamId.ENTRY_PLAYLIST)
        .put("created_at", time(key.createdAt()));
  }

  private static JsonObject keyJson(StreamKey key) {
    return new JsonObject()
        .put("key_id", key.keyId())
        .put("created_at", time(key.createdAt()))
        .put("revoked_at", time(key.revokedAt()));
  }

  private static JsonObject eventJson(IngestStatus.Event e) {
    return new JsonObject().put("at", time(e.at())).put("reason", e.reason()).put("description", e.description());
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
