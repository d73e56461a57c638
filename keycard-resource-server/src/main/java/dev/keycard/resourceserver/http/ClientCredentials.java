package dev.keycard.resourceserver.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The service's own identity at keycard: a confidential client that authenticates with HTTP Basic
 * (introspection) and obtains access tokens for itself with the client-credentials grant (the
 * revocation feed). The secret stays in this object; it never reaches a log line or an exception.
 */
public final class ClientCredentials {
  /** A token is renewed this long before it expires, so one is never presented on its last second. */
  private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

  private final IssuerHttp http;
  private final URI tokenEndpoint;
  private final String authorization;
  private final InstantSource clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  public ClientCredentials(IssuerHttp http, URI tokenEndpoint, String clientId, String secret, InstantSource clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.authorization = IssuerHttp.basic(Objects.requireNonNull(clientId, "clientId"), Objects.requireNonNull(secret, "secret"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The {@code Authorization} header value that authenticates this client (HTTP Basic). */
  public String basicAuthorization() {
    return authorization;
  }

  /**
   * Blocking: an access token with {@code scope}, reused until shortly before it expires.
   *
   * @throws IOException when keycard cannot be reached or refuses the client (the status is named, nothing else)
   */
  public synchronized String accessToken(String scope) throws IOException {
    if (token != null && clock.instant().isBefore(renewAt)) {
      return token;
    }
    HttpResponse<String> response;
    try {
      response = http.postForm(tokenEndpoint, authorization, Map.of("grant_type", "client_credentials", "scope", scope))
          .get(http.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + tokenEndpoint + " for a token", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not reach " + tokenEndpoint + ": " + e.getClass().getSimpleName());
    }
    if (response.statusCode() != 200) {
      throw new IOException(tokenEndpoint + " refused the client-credentials grant with " + response.statusCode());
    }
    Map<String, Object> json = IssuerHttp.parse(response.body(), tokenEndpoint);
    if (!(json.get("access_token") instanceof String issued) || !(json.get("expires_in") instanceof Number expiresIn)) {
      throw new IOException(tokenEndpoint + " answered without access_token or expires_in");
    }
    token = issued;
    renewAt = clock.instant().plusSeconds(expiresIn.longValue()).minus(RENEW_BEFORE);
    return token;
  }

  /** Forgets the token, so the next call asks for a new one (after keycard refused it). */
  public synchronized void forgetToken() {
    token = null;
  }
}
