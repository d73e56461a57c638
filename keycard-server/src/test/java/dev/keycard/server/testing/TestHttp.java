package dev.keycard.server.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A real HTTP client (java.net.http) talking to a test server. */
public final class TestHttp {
  private final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  TestHttp(String base) {
    this.base = base;
  }

  /** A client for a server at {@code base} ({@code http://host:port}). */
  public static TestHttp at(String base) {
    return new TestHttp(base);
  }

  public String base() {
    return base;
  }

  /** An answer: status, headers and body. */
  public record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Answer get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  public Answer post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b = request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  public Answer method(String method, String path, String... headers) {
    return send(request(path, headers).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  public Answer postJson(String path, JsonObject body, String... headers) {
    return post(path, "application/json", body.encode(), headers);
  }

  public Answer postForm(String path, Map<String, String> form, String... headers) {
    return post(path, "application/x-www-form-urlencoded", form(form), headers);
  }

  public Answer login(String username, String password) {
    return postJson("/auth/login", new JsonObject().put("username", username).put("password", password));
  }

  public Answer me(String accessToken) {
    return get("/api/v1/me", "Authorization", "Bearer " + accessToken);
  }

  public Answer refresh(String refreshToken) {
    return postForm("/oauth2/token", params("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /**
   * Sends a request exactly as written, over a plain socket: for request targets that
   * {@link java.net.URI} refuses to build (bad percent-encoding). Only status, headers and body are
   * read back; the connection is closed after the answer.
   */
  public Answer raw(String method, String target, String contentType, String body) {
    URI uri = URI.create(base);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n"
          + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
          + "Content-Length: " + bytes.length + "\r\n\r\n";
      var out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      String[] lines = response.substring(0, split).split("\r\n");
      Map<String, java.util.List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
      return new Answer(Integer.parseInt(lines[0].split(" ")[1]),
          java.net.http.HttpHeaders.of(headers, (a, b) -> true), response.substring(split + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  public static String form(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** RFC 6749 §2.3.1: id and secret form-urlencoded, then joined and base64-encoded. */
  public static String basic(String clientId, String secret) {
    String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private Answer send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
