package dev.keycard.core.opaque;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenIssuer;
import dev.keycard.core.token.AccessTokenRequest;
import dev.keycard.core.token.IssuedAccessToken;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * Issues opaque access tokens: {@code kca_} followed by 256 random bits in base64url, stored only as
 * a hash. Resource servers check them by lookup ({@link OpaqueAccessTokenVerifier}) or by RFC 7662
 * introspection. The prefix lets secret scanners recognise a leaked keycard token.
 */
public final class OpaqueAccessTokenIssuer implements AccessTokenIssuer {
  public static final String PREFIX = "kca_";

  private final OpaqueTokenStore store;
  private final Secrets secrets;
  private final String issuer;
  private final List<String> audience;
  private final Duration lifetime;
  private final InstantSource clock;

  public OpaqueAccessTokenIssuer(OpaqueTokenStore store, Secrets secrets, String issuer, String audience,
      Duration lifetime, InstantSource clock) {
    this.store = store;
    this.secrets = secrets;
    this.issuer = issuer;
    this.audience = List.of(audience);
    this.lifetime = lifetime;
    this.clock = clock;
  }

  @Override
  public IssuedAccessToken issue(AccessTokenRequest request) {
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    String value = secrets.newToken(PREFIX, 32);
    AccessToken token = new AccessToken(request.subject(), request.scopes(), request.clientId(), issuer, audience,
        secrets.newId(), request.sessionId(), now, now, now.plus(lifetime));
    store.save(Secrets.hash(value), token);
    return new IssuedAccessToken(value, token);
  }
}
