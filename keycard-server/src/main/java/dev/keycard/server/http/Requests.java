package dev.keycard.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reading request bodies strictly: the right media type, well-formed, each parameter at most once. */
final class Requests {
  /** Where {@link #queryNames} keeps its answer for the rest of the request. */
  private static final String QUERY_NAMES = "keycard.queryNames";

  static final String FORM = "application/x-www-form-urlencoded";
  private static final JsonFactory JSON = new JsonFactory();

  private Requests() {}

  /** Whether the request's media type (parameters such as charset ignored) is {@code expected}; answers 415 if not. */
  static boolean requireMediaType(RoutingContext ctx, String expected) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String type = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals(expected)) {
      return true;
    }
    Responses.noStore(ctx);
    Responses.error(ctx, 415, "invalid_request", "The Content-Type must be " + expected);
    return false;
  }

  /**
   * The body as a JSON object, or empty after answering 400: when it is not one JSON object, or when
   * any object in it names a member twice. Vert.x's decoder keeps the last of two members silently,
   * so {@code {"username":"nobody","username":"alice",…}} logged in as alice; RFC 8259 §4 leaves
   * duplicate names to the receiver, and keycard refuses them here, for every JSON endpoint, as the
   * claims reader does for tokens.
   */
  static Optional<JsonObject> jsonObject(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null) {
      Optional<String> repeated = repeatedMember(body.getBytes());
      if (repeated.isPresent()) {
        Responses.invalidRequest(ctx, "The JSON member " + safeName(repeated.get()) + " is repeated");
        return Optional.empty();
      }
      try {
        if (io.vertx.core.json.Json.decodeValue(body) instanceof JsonObject o) {
          return Optional.of(o);
        }
      } catch (DecodeException e) {
        // The parser's message may quote the body (a password): never echoed, never logged.
      }
    }
    Responses.invalidRequest(ctx, "The body must be a JSON object");
    return Optional.empty();
  }

  /**
   * The first member name that appears twice in one object, at any depth, in one streaming pass;
   * empty when there is none or when the text is not JSON at all (the decoder then refuses it).
   */
  private static Optional<String> repeatedMember(byte[] json) {
    Deque<Set<String>> objects = new ArrayDeque<>();
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT -> objects.push(new HashSet<>());
          case END_OBJECT -> objects.pop();
          case FIELD_NAME -> {
            if (!objects.peek().add(p.currentName())) {
              return Optional.of(p.currentName());
            }
          }
          default -> { }
        }
      }
    } catch (IOException | RuntimeException notJson) {
      // Left to the decoder, which refuses it with the generic message.
    }
    return Optional.empty();
  }

  /**
   * The form parameters, or empty after answering 400 when one is repeated (RFC 6749 §3.1, §3.2:
   * parameters must not be included more than once).
   */
  static Optional<MultiMap> form(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    for (String name : form.names()) {
      List<String> values = form.getAll(name);
      if (values.size() > 1) {
        Responses.invalidRequest(ctx, "The parameter " + safeName(name) + " is repeated");
        return Optional.empty();
      }
    }
    return Optional.of(form);
  }

  /**
   * The names in the request's query string, or empty when it is not valid percent-encoding. Read
   * here rather than with {@code request.params()}, which throws on bad encoding with a message that
   * quotes the whole URI, tokens included.
   */
  static Optional<Set<String>> queryNames(RoutingContext ctx) {
    // Parsed once per request: the router's first handler checks it, the bearer guard reads it again.
    Optional<Set<String>> parsed = ctx.get(QUERY_NAMES);
    if (parsed == null) {
      parsed = parseQueryNames(ctx);
      ctx.put(QUERY_NAMES, parsed);
    }
    return parsed;
  }

  private static Optional<Set<String>> parseQueryNames(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query == null || query.isEmpty()) {
      return Optional.of(Set.of());
    }
    Set<String> names = new HashSet<>();
    try {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        if (eq >= 0) {
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
        names.add(name);
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(names);
  }

  /** A parameter name fit to echo: our own names only, anything else is not repeated back. */
  private static String safeName(String name) {
    return name.matches("[a-z_]{1,32}") ? name : "(unknown)";
  }
}
