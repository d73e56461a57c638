package dev.keycard.resourceserver;

import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.bearer.BearerError;
import dev.keycard.core.token.AccessToken;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The library's verdict on one request: the token is good for it, or the request is refused as
 * RFC 6750 says, or the check cannot be made right now. A refusal carries everything an adapter
 * writes out ({@link #status()}, {@link #headers(String)}, {@link #body()}), so every framework answers
 * with the same bytes as keycard itself.
 */
public sealed interface Access {
  /** The check could not be made (keycard unreachable for a token that needs it): 503, try again shortly. */
  Access UNAVAILABLE = new Unavailable("The token cannot be checked right now", Duration.ofSeconds(5));

  /** The HTTP status to answer with: 200 for {@link Granted}. */
  int status();

  /** The response headers a refusal needs ({@code WWW-Authenticate}, {@code Cache-Control}, {@code Retry-After}). */
  Map<String, String> headers(String realm);

  /** The JSON body of a refusal, {@code {"error":…,"error_description":…}}; {@code null} for {@link Granted}. */
  String body();

  /** The request may proceed on behalf of {@code token}. */
  record Granted(AccessToken token) implements Access {
    public Granted {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public int status() {
      return 200;
    }

    @Override
    public Map<String, String> headers(String realm) {
      return Map.of();
    }

    @Override
    public String body() {
      return null;
    }
  }

  /**
   * Refused: 400, 401 or 403 with the RFC 6750 challenge.
   *
   * @param token the verified token when the refusal came after verification (a missing scope), else {@code null}
   */
  record Refused(BearerError error, AccessToken token) implements Access {
    /** The body's error code when the request had no credentials, which RFC 6750 gives none. */
    public static final String MISSING_TOKEN = "missing_token";

    public Refused {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public int status() {
      return error.status();
    }

    @Override
    public Map<String, String> headers(String realm) {
      return Map.of("WWW-Authenticate", error.wwwAuthenticate(realm), "Cache-Control", "no-store");
    }

    @Override
    public String body() {
      StringBuilder b = new StringBuilder(128).append("{\"error\":\"")
          .append(error.code() == null ? MISSING_TOKEN : error.code()).append("\",\"error_description\":\"")
          .append(error.code() == null ? "A bearer access token is required" : error.description()).append('"');
      if (error.scope() != null) {
        // Scopes are RFC 6749 §3.3 scope-tokens: printable ASCII without '"' or '\', safe in a JSON string.
        b.append(",\"scope\":\"").append(error.scope()).append('"');
      }
      return b.append('}').toString();
    }
  }

  /**
   * The check cannot be made now (the revocation feed is out of date under
   * {@link FeedOutagePolicy#FAIL_CLOSED}, or keycard cannot be asked about an opaque token): 503.
   */
  record Unavailable(String description, Duration retryAfter) implements Access {
    @Override
    public int status() {
      return 503;
    }

    @Override
    public Map<String, String> headers(String realm) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
      h.put("Cache-Control", "no-store");
      return h;
    }

    @Override
    public String body() {
      return "{\"error\":\"temporarily_unavailable\",\"error_description\":\"" + description + "\"}";
    }
  }

  /** The same verdict as keycard's own bearer check. */
  static Access of(BearerAuthenticator.Outcome outcome) {
    return switch (outcome) {
      case BearerAuthenticator.Authorized a -> new Granted(a.token());
      case BearerAuthenticator.Refused r -> new Refused(r.error(), r.token());
    };
  }
}
