package dev.keycard.server.http;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationFeed;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/v1/revocations?after=N[&limit=M]} (scope {@code keycard:revocations}): the denylist
 * for services that check keycard's tokens themselves, in sequence order, a bounded page at a time:
 * {@code {"revocations":[{"seq","id","exp"}],"next","more"}}. A follower keeps {@code next} and asks
 * again from there, at once while {@code more} is true. An {@code id} is a token's {@code jti} or a
 * session's {@code sid}: a token is revoked when either of its own is listed, until {@code exp}.
 * Not rate-limited: followers poll by design, and the scope is for services only.
 */
final class RevocationEndpoints {
  static final String PATH = "/api/v1/revocations";
  static final String EVENTS = PATH + "/events";
  /** How often a follower's stream looks for new entries in the store. */
  static final long POLL_MS = 500;
  /** A comment line this often on a quiet stream, so neither the idle timeout nor a proxy closes it. */
  static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final RevocationFeed feed;
  private final BearerGuard guard;
  private final Duration timeout;

  RevocationEndpoints(Vertx vertx, RevocationFeed feed, BearerGuard guard, Duration timeout) {
    this.vertx = vertx;
    this.feed = feed;
    this.guard = guard;
    this.timeout = timeout;
  }

  void mount(Router router) {
    router.route(PATH).method(HttpMethod.GET).handler(new RequestDeadline(timeout, path -> false));
    router.get(PATH).handler(ctx -> guard.checkUnlimited(ctx, Scopes.REVOCATIONS, this::page));
    router.get(EVENTS).handler(ctx -> guard.checkUnlimited(ctx, Scopes.REVOCATIONS, this::events));
  }

  /**
   * {@code GET /api/v1/revocations/events?after=N} (or {@code Last-Event-ID}): the same entries as
   * Server-Sent Events, {@code id: SEQ}, {@code event: revocation}, {@code data: {"seq","id","exp"}},
   * first everything after {@code N}, then each new one as soon as this instance hears of it (its own
   * revocations, and other instances' over a shared Redis), and within {@value #POLL_MS} ms of its save
   * by any instance in every case. A reconnecting client (every EventSource does it by itself) goes on where it
   * stopped.
   */
  private void events(RoutingContext ctx, AccessToken token) {
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    Long after;
    if (lastEventId != null && ctx.queryParam("after").isEmpty()) {
      if (!lastEventId.matches("[0-9]{1,18}")) {
        Responses.invalidRequest(ctx, "Last-Event-ID must be a sequence number");
        return;
      }
      after = Long.parseLong(lastEventId);
    } else {
      after = number(ctx, "after", 0, Long.MAX_VALUE, 0);
    }
    if (after == null) {
      return;
    }
    HttpServerResponse response = ctx.response();
    Responses.noStore(ctx);
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader("X-Accel-Buffering", "no"); // nginx in front: pass each event on at once
    response.write(": keycard revocations\n\n");
    new Follower(response, after).poll();
  }

  /**
   * One open stream: its cursor, and a read of the feed that runs when the feed says an entry was
   * saved ({@link RevocationFeed#follow}) and otherwise every {@value #POLL_MS} ms, until the client
   * goes. All of it on the request's event loop; the store is read on a worker.
   */
  private final class Follower {
    private final HttpServerResponse response;
    private final Context context;
    private final AutoCloseable following;
    private long cursor;
    private long lastWrite = System.nanoTime();
    private boolean closed;
    private boolean reading;
    private boolean wokenWhileReading;
    private long timer = -1;

    Follower(HttpServerResponse response, long after) {
      this.response = response;
      this.cursor = after;
      this.context = vertx.getOrCreateContext();
      this.following = feed.follow(() -> context.runOnContext(v -> wake()));
      response.closeHandler(v -> close());
    }

    private void close() {
      closed = true;
      try {
        following.close();
      } catch (Exception e) {
        // removing a listener from a set does not fail
      }
    }

    /** An entry may have been saved: read now, or right after the read under way. */
    private void wake() {
      if (closed) {
        return;
      }
      if (reading) {
        wokenWhileReading = true;
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      poll();
    }

    private void pollIn(long millis) {
      timer = vertx.setTimer(millis, id -> {
        timer = -1;
        poll();
      });
    }

    void poll() {
      if (closed || response.ended()) {
        close();
        return;
      }
      reading = true;
      vertx.executeBlocking(() -> feed.after(cursor, RevocationFeed.MAX_PAGE), false).onComplete(ar -> {
        reading = false;
        if (closed || response.ended()) {
          close();
          return;
        }
        if (ar.failed()) {
          // The store is away: say so and try again; the client keeps its connection and its cursor.
          write(": store unavailable, retrying\n\n");
          pollIn(Math.max(POLL_MS, 1_000));
          return;
        }
        RevocationFeed.Page page = ar.result();
        StringBuilder events = new StringBuilder();
        for (Revocation r : page.entries()) {
          events.append("id: ").append(r.sequence()).append("\nevent: revocation\ndata: ")
              .append(json(r).encode()).append("\n\n");
        }
        cursor = page.next();
        if (!events.isEmpty()) {
          write(events.toString());
        } else if (System.nanoTime() - lastWrite > HEARTBEAT_MS * 1_000_000) {
          write(": keep-alive\n\n");
        }
        if (page.more() || wokenWhileReading) {
          wokenWhileReading = false;
          poll();
        } else {
          pollIn(POLL_MS);
        }
      });
    }

    private void write(String text) {
      if (response.writeQueueFull()) {
        // A follower that stopped reading: closed rather than buffered without end; it reconnects
        // with Last-Event-ID and loses nothing.
        close();
        response.reset();
        return;
      }
      lastWrite = System.nanoTime();
      response.write(text);
    }
  }

  private static JsonObject json(Revocation r) {
    return new JsonObject().put("seq", r.sequence()).put("id", r.id()).put("exp", r.until().getEpochSecond());
  }

  private void page(RoutingContext ctx, AccessToken token) {
    Long after = number(ctx, "after", 0, Long.MAX_VALUE, 0);
    Long limit = after == null ? null : number(ctx, "limit", 1, RevocationFeed.MAX_PAGE, RevocationFeed.MAX_PAGE);
    if (after == null || limit == null) {
      return;
    }
    Blocking.run(vertx, ctx, () -> feed.after(after, limit.intValue()), page -> {
      JsonArray entries = new JsonArray();
      for (Revocation r : page.entries()) {
        entries.add(json(r));
      }
      Responses.noStore(ctx);
      Responses.json(ctx, 200, new JsonObject().put("revocations", entries).put("next", page.next())
          .put("more", page.more()));
    });
  }

  /** The query parameter {@code name} as a whole number in range, its default when absent, or {@code null} after a 400. */
  private static Long number(RoutingContext ctx, String name, long min, long max, long absent) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return absent;
    }
    String text = values.get(0);
    if (values.size() > 1 || !text.matches("[0-9]{1,18}") || Long.parseLong(text) < min || Long.parseLong(text) > max) {
      Responses.invalidRequest(ctx, name + " must be a whole number from " + min + " to " + max);
      return null;
    }
    return Long.parseLong(text);
  }
}
