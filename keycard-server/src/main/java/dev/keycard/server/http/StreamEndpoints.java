package dev.keycard.server.http;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.stream.PlaybackCookie;
import dev.keycard.server.stream.Registration;
import dev.keycard.server.stream.StartResult;
import dev.keycard.server.stream.StreamRegistry;
import dev.keycard.server.stream.StreamScopes;
import dev.keycard.server.stream.Streaming;
import dev.keycard.server.monitoring.StreamEvents;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /api/v1/stream/start} (a viewer gets a signed playlist URL at the edge) and
 * {@code POST /api/v1/streams} (a publisher registers a stream id).
 */
final class StreamEndpoints {
  private final Vertx vertx;
  private final Streaming streaming;
  /** Where a session's stream starts are recorded for the admin API, or {@code null}. */
  private final SessionActivity activity;
  private final StreamEvents events;
  private final ClientAddresses clientAddresses;

  StreamEndpoints(Vertx vertx, Streaming streaming, StreamEvents events, ClientAddresses clientAddresses,
      SessionActivity activity) {
    this.vertx = vertx;
    this.streaming = streaming;
    this.events = events;
    this.clientAddresses = clientAddresses;
    this.activity = activity;
  }

  /**
   * 200 {@code {"playlist_url","expires_at","playback_session_ttl"}}, {@code no-store} since the URL is a
   * credential; 403
   * insufficient_scope without {@code stream:watch} or {@code stream:watch:{id}}; 404 for an unknown
   * stream. Signing is one HMAC: it runs on the event loop.
   */
  void start(RoutingContext ctx, AccessToken token) {
    streamId(ctx).ifPresent(id -> {
      // A stream another process (the CLI) registered is not in memory yet: ask the store first, on a
      // worker, so it can be watched at once. Only for a token that may watch it: the answer to one that
      // may not must not depend on whether the stream exists.
      if (StreamScopes.canWatch(token.scopes(), id)
          && streaming.registry().presence(id) == StreamRegistry.Presence.UNCERTAIN) {
        Blocking.run(vertx, ctx, () -> streaming.registry().confirm(id), found -> startKnown(ctx, token, id));
      } else {
        startKnown(ctx, token, id);
      }
    });
  }

  private void startKnown(RoutingContext ctx, AccessToken token, StreamId id) {
    String clientIp = clientAddresses.of(ctx.request());
    if (streaming.start().blocks()) {
      // CloudFront's cookies are an RSA signature, the stream limit may ask Redis: not on the event loop.
      Blocking.run(vertx, ctx, () -> streaming.start().start(token, id, clientIp),
          result -> answer(ctx, token, id, result));
    } else {
      answer(ctx, token, id, streaming.start().start(token, id, clientIp));
    }
  }

  private void answer(RoutingContext ctx, AccessToken token, StreamId id, StartResult result) {
    String clientIp = clientAddresses.of(ctx.request());
    switch (result) {
      case StartResult.Started s -> events.started(token, id, clientIp);
      case StartResult.NotEntitled n -> events.refused(token, id, "insufficient_scope", clientIp);
      case StartResult.UnknownStream u -> events.refused(token, id, "unknown_stream", clientIp);
      case StartResult.TooManyStreams t -> { } // audited by the stream limiter, which knows the figures
    }
    switch (result) {
      case StartResult.Started s -> {
        if (activity != null && token.sessionId() != null) {
          // A playback session opened with this URL (at the latest when it expires) lasts sessionTtl.
          activity.streamStarted(token.sessionId(), id.value(),
              s.sessionTtl() == null ? s.expiresAt() : s.expiresAt().plus(s.sessionTtl()));
        }
        Responses.noStore(ctx);
        JsonObject body = new JsonObject()
            .put("playlist_url", s.playlistUrl())
            .put("expires_at", s.expiresAt().getEpochSecond());
        if (s.sessionTtl() != null) {
          body.put("playback_session_ttl", s.sessionTtl().toSeconds());
        }
        if (!s.cookies().isEmpty()) {
          JsonObject cookies = new JsonObject();
          for (PlaybackCookie c : s.cookies()) {
            cookies.put(c.name(), c.value());
            ctx.response().addCookie(setCookie(c));
          }
          body.put("cookies", cookies);
        }
        Responses.json(ctx, 200, body);
      }
      case StartResult.NotEntitled n -> BearerGuard.refuse(ctx, BearerError.insufficientScope(n.requiredScope()));
      case StartResult.UnknownStream u -> {
        Responses.noStore(ctx);
        Responses.error(ctx, 404, "unknown_stream", "No stream with this id is registered");
      }
      case StartResult.TooManyStreams t -> {
        // 403, not 429: waiting does not help, stopping another stream does; and clients that retry 429s
        // by themselves would only repeat the start.
        Responses.noStore(ctx);
        Responses.json(ctx, 403, new JsonObject()
            .put("error", "too_many_streams")
            .put("error_description", "This account is already watching " + t.active() + " stream"
                + (t.active() == 1 ? "" : "s") + ", the most it may watch at once (" + t.limit()
                + "); stop one to start another")
            .put("max_concurrent_streams", t.limit())
            .put("active_streams", t.active()));
      }
    }
  }

  /**
   * {@code Secure} and {@code HttpOnly}: the cookie is a credential for HTTPS media only, and no
   * script needs to read it. {@code SameSite=None}: a player on a page of another site (an embed)
   * fetches the media cross-site, and browsers send only {@code None} cookies there (and only
   * {@code Secure} ones may be {@code None}). {@code Max-Age}: the browser drops it when it stops
   * working.
   */
  private static Cookie setCookie(PlaybackCookie c) {
    Cookie cookie = Cookie.cookie(c.name(), c.value()).setPath(c.path()).setSecure(true).setHttpOnly(true)
        .setSameSite(CookieSameSite.NONE)
        .setMaxAge(c.maxAge().toSeconds());
    if (c.domain() != null) {
      cookie.setDomain(c.domain());
    }
    return cookie;
  }

  /**
   * {@code GET /api/v1/streams}: the streams the token may watch, by id, each with whether it is live
   * now. Memory only, on the event loop. {@code live} is left out where this process does not hold
   * the streams' uploads (an API instance apart from the origin) rather than guessed.
   */
  void list(RoutingContext ctx, AccessToken token, boolean knowsLiveness) {
    JsonArray streams = new JsonArray();
    for (StreamId id : streaming.registry().registered()) {
      if (StreamScopes.canWatch(token.scopes(), id)) {
        JsonObject stream = new JsonObject().put("stream_id", id.value());
        if (knowsLiveness) {
          stream.put("live", streaming.origin().isLive(id));
        }
        streams.add(stream);
      }
    }
    Responses.noStore(ctx);
    Responses.json(ctx, 200, new JsonObject().put("streams", streams));
  }

  /** 201 when registered now, 200 when it already was (so an encoder's start script may always call it). */
  void register(RoutingContext ctx, AccessToken token) {
    streamId(ctx).ifPresent(id -> {
      if (!StreamScopes.canPublish(token.scopes(), id)) {
        BearerGuard.refuse(ctx, BearerError.insufficientScope(StreamScopes.PUBLISH));
        return;
      }
      Blocking.run(vertx, ctx, () -> streaming.registry().register(id), registration -> {
        Responses.noStore(ctx);
        Responses.json(ctx, registration == Registration.ADDED ? 201 : 200, new JsonObject()
            .put("stream_id", id.value())
            .put("created", registration == Registration.ADDED));
      });
    });
  }

  private static Optional<StreamId> streamId(RoutingContext ctx) {
    if (!Requests.requireMediaType(ctx, Responses.JSON)) {
      return Optional.empty();
    }
    return Requests.jsonObject(ctx).flatMap(body -> {
      Object value = body.getValue("stream_id");
      if (!(value instanceof String s) || !StreamId.isValid(s)) {
        Responses.invalidRequest(ctx, "stream_id must be a string matching [a-z0-9][a-z0-9_-]{0,63}");
        return Optional.empty();
      }
      return Optional.of(new StreamId(s));
    });
  }
}
