package dev.keycard.server.http;

import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationFeed;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
        entries.add(new JsonObject().put("seq", r.sequence()).put("id", r.id()).put("exp", r.until().getEpochSecond()));
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
