package dev.keycard.resourceserver.introspection;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Scopes;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import dev.keycard.resourceserver.http.ClientCredentials;
import dev.keycard.resourceserver.http.IssuerHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Opaque access tokens, asked about at keycard's RFC 7662 introspection endpoint. An answer is
 * remembered for a short while ({@code maxAge}, and never past the token's {@code exp}), so a client
 * that repeats its token costs one call per {@code maxAge}; concurrent requests with one token share
 * one call. A remembered answer is still judged by {@link TokenValidity} (expiry and the revocation
 * feed) on every use, exactly as a JWT is.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662">RFC 7662</a>
 */
public final class Introspector {
  /** keycard could not be asked; the caller answers 503. */
  public static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private final IssuerHttp http;
  private final URI endpoint;
  private final ClientCredentials credentials;
  private final String issuer;
  private final String audience;
  private final TokenValidity validity;
  private final AsyncCache<String, Verification> answers;

  public Introspector(IssuerHttp http, URI endpoint, ClientCredentials credentials, String issuer, String audience,
      TokenValidity validity, Duration maxAge, int maxEntries) {
    this.http = Objects.requireNonNull(http, "http");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.validity = Objects.requireNonNull(validity, "validity");
    long maxNanos = maxAge.toNanos();
    this.answers = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(validity.clock().millis()))
        .expireAfter(Expiry.<String, Verification>creating((token, v) -> v instanceof Verification.Verified ok
            ? Duration.ofNanos(Math.min(maxNanos, validity.remaining(ok.token()).toNanos()))
            : Duration.ofNanos(maxNanos)))
        .buildAsync();
  }

  /**
   * The verdict on an opaque token. Completes exceptionally with {@link Unreachable} when keycard
   * cannot be asked (nothing is remembered then).
   */
  public CompletableFuture<Verification> introspect(String token) {
    return answers.get(token, (t, executor) -> ask(t))
        .thenApply(v -> v instanceof Verification.Verified ok ? validity.check(ok) : v);
  }

  private CompletableFuture<Verification> ask(String token) {
    return http.postForm(endpoint, credentials.basicAuthorization(), Map.of("token", token, "token_type_hint", "access_token"))
        .handle((response, failure) -> {
          if (failure != null) {
            throw new Unreachable("keycard's introspection endpoint could not be reached");
          }
          if (response.statusCode() != 200) {
            throw new Unreachable("keycard's introspection endpoint answered " + response.statusCode());
          }
          try {
            return verdict(IssuerHttp.parse(response.body(), endpoint));
          } catch (IOException e) {
            throw new CompletionException(new Unreachable(e.getMessage()));
          }
        });
  }

  /** What an introspection answer means for this resource server. */
  private Verification verdict(Map<String, Object> json) {
    if (!Boolean.TRUE.equals(json.get("active")) || "refresh_token".equals(json.get("token_type"))) {
      return Rejection.UNKNOWN_TOKEN.asVerification();
    }
    if (!issuer.equals(json.get("iss"))) {
      return Rejection.WRONG_ISSUER.asVerification();
    }
    List<String> aud = switch (json.get("aud")) {
      case String one -> List.of(one);
      case List<?> many -> many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
      case null, default -> null;
    };
    if (aud == null || !aud.contains(audience)) {
      return Rejection.WRONG_AUDIENCE.asVerification();
    }
    if (!(json.get("sub") instanceof String sub) || !(json.get("client_id") instanceof String clientId)
        || !(json.get("jti") instanceof String jti) || !(json.get("exp") instanceof Number exp)
        || !(json.get("iat") instanceof Number iat)) {
      return Rejection.MISSING_CLAIM.asVerification();
    }
    Instant issuedAt = Instant.ofEpochSecond(iat.longValue());
    Instant notBefore = json.get("nbf") instanceof Number nbf ? Instant.ofEpochSecond(nbf.longValue()) : issuedAt;
    String scope = json.get("scope") instanceof String s ? s : "";
    String sid = json.get("sid") instanceof String s ? s : null;
    return new Verification.Verified(new AccessToken(sub, Scopes.parse(scope), clientId, issuer, aud, jti, sid,
        issuedAt, notBefore, Instant.ofEpochSecond(exp.longValue())));
  }
}
