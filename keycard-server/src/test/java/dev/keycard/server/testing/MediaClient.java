package dev.keycard.server.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for media: bytes in and out, fixed-length or chunked uploads, concurrent gets. */
public final class MediaClient {
  private final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  public MediaClient(String base) {
    this.base = base;
  }

  public record Reply(int status, java.net.http.HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** GET of a path (with query) or of an absolute URL. */
  public Reply get(String pathOrUrl, String... headers) {
    return send(request(pathOrUrl, headers).GET().build());
  }

  public CompletableFuture<Reply> getAsync(String pathOrUrl) {
    return client.sendAsync(request(pathOrUrl).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Reply(r.statusCode(), r.headers(), r.body()));
  }

  public Reply post(String path, io.vertx.core.json.JsonObject json, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.encode())).build());
  }

  public Reply put(String path, byte[] body, String bearer) {
    return send(request(path, "Authorization", "Bearer " + bearer).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** A PUT without credentials in a header: for paths that carry a stream key. */
  public Reply put(String path, byte[] body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** A chunked PUT (as ffmpeg sends them) without credentials in a header: for paths that carry a stream key. */
  public Reply putChunked(String path, byte[] body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
  }

  /** A PUT without Content-Length: the client sends the body with chunked transfer coding, as ffmpeg does. */
  public Reply putChunked(String path, byte[] body, String bearer) {
    return send(request(path, "Authorization", "Bearer " + bearer)
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
  }

  public Reply delete(String path, String bearer) {
    return send(request(path, "Authorization", "Bearer " + bearer).DELETE().build());
  }

  public Reply method(String method, String path, String... headers) {
    return send(request(path, headers).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  /**
   * The media playlist a player reaches from {@code url}: the playlist itself, or, for a
   * multivariant playlist (what a playback ticket opens), the first variant it names.
   */
  public Reply mediaPlaylist(String url) {
    Reply first = get(url);
    if (first.status() != 200 || !first.text().contains("#EXT-X-STREAM-INF:")) {
      return first;
    }
    return get(uriLines(first.text()).get(0));
  }

  /** The URI lines of a playlist (everything neither blank nor a tag). */
  public static List<String> uriLines(String playlist) {
    return playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  private HttpRequest.Builder request(String pathOrUrl, String... headers) {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
