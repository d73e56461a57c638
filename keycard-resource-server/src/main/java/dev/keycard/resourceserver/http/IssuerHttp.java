package dev.keycard.resourceserver.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The library's conversations with keycard over the JDK's HTTP client: JSON documents fetched with
 * their {@code Cache-Control} lifetime, and form posts authenticated as a confidential client. Every
 * request has a timeout, so nothing waits on keycard for longer than that.
 */
public final class IssuerHttp {
  /** A JSON document and how long its sender allows it to be reused ({@code max-age}; {@code null} when not said). */
  public record JsonDocument(Map<String, Object> json, Duration maxAge) {}

  /** The largest document read: a JWKS or metadata is a few kilobytes; anything far bigger is not one. */
  private static final int MAX_DOCUMENT = 1 << 20;
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,9})\"?");

  private final HttpClient client;
  private final Duration timeout;

  public IssuerHttp(HttpClient client, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public HttpClient client() {
    return client;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Blocking: GETs {@code uri} and parses its JSON object.
   *
   * @throws IOException on any failure (network, timeout, a status other than 200, not JSON); the
   *                     message names the URI and the status, never a body
   */
  public JsonDocument getJson(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode());
    }
    return new JsonDocument(parse(response.body(), uri), maxAge(response.headers()));
  }

  /** Asynchronous: POSTs an {@code application/x-www-form-urlencoded} body with HTTP Basic client authentication. */
  public CompletableFuture<HttpResponse<String>> postForm(URI uri, String basicAuthorization, Map<String, String> form) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((k, v) -> body.add(urlEncode(k) + "=" + urlEncode(v)));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Authorization", basicAuthorization)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Parses a JSON object answered by {@code uri}; an {@link IOException} names only the URI. */
  public static Map<String, Object> parse(String body, URI uri) throws IOException {
    if (body == null || body.length() > MAX_DOCUMENT) {
      throw new IOException(uri + " answered no JSON document of a sensible size");
    }
    try {
      return JSONObjectUtils.parse(body);
    } catch (ParseException e) {
      throw new IOException(uri + " answered something that is not a JSON object");
    }
  }

  /**
   * The {@code Authorization} value for HTTP Basic client authentication: RFC 6749 §2.3.1 has the id
   * and the secret form-encoded before they are joined, so a ':' in either survives.
   */
  public static String basic(String clientId, String secret) {
    String pair = urlEncode(clientId) + ":" + urlEncode(secret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code max-age} of a {@code Cache-Control} header, or {@code null}; {@code no-store}/{@code no-cache} count as zero. */
  static Duration maxAge(HttpHeaders headers) {
    String cacheControl = String.join(",", headers.allValues("Cache-Control"));
    if (cacheControl.isEmpty()) {
      return null;
    }
    if (cacheControl.contains("no-store") || cacheControl.contains("no-cache")) {
      return Duration.ZERO;
    }
    Matcher m = MAX_AGE.matcher(cacheControl);
    return m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : null;
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
