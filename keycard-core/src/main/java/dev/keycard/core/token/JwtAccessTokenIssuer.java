package dev.keycard.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.KeySource;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.secret.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Issues access tokens as JWTs in the RFC 9068 profile: header {@code typ: at+jwt} and {@code kid};
 * claims {@code iss sub aud iat nbf exp jti scope client_id}, plus {@code sid} when the token belongs
 * to a refresh-token family. Signed by the key ring's current signer.
 *
 * <p>RSA signing costs about a millisecond: call {@link #issue} off the event loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 */
public final class JwtAccessTokenIssuer implements AccessTokenIssuer {
  /** The RFC 9068 §2.1 media type, in the short form §4 asks verifiers to accept too. */
  public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  private final String issuer;
  private final List<String> audience;
  private final Duration lifetime;
  private final KeySource keys;
  private final InstantSource clock;
  private final Secrets secrets;

  private JwtAccessTokenIssuer(Builder b) {
    this.issuer = b.issuer;
    this.audience = List.of(b.audience);
    this.lifetime = b.lifetime;
    this.keys = b.keys;
    this.clock = b.clock;
    this.secrets = b.secrets;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public IssuedAccessToken issue(AccessTokenRequest request) {
    // JWT NumericDate has second precision; truncating here keeps the returned claims equal to the token's.
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant exp = now.plus(lifetime);
    String jti = secrets.newId();
    KeyRing ring = keys.current();
    SigningKey key = ring.signer();
    JWSHeader header = new JWSHeader.Builder(key.algorithm().jws()).type(AT_JWT).keyID(key.kid()).build();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(request.subject())
        .audience(audience)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(exp))
        .jwtID(jti)
        .claim("client_id", request.clientId())
        .claim("scope", Scopes.format(request.scopes()));
    if (request.sessionId() != null) {
      claims.claim("sid", request.sessionId());
    }
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(ring.jwsSigner());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
    }
    AccessToken token = new AccessToken(request.subject(), request.scopes(), request.clientId(), issuer,
        audience, jti, request.sessionId(), now, now, exp);
    return new IssuedAccessToken(jwt.serialize(), token);
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** Builds an issuer; {@link #build()} fails fast on anything missing. */
  public static final class Builder {
    private String issuer;
    private String audience;
    private Duration lifetime = Duration.ofMinutes(15);
    private KeySource keys;
    private InstantSource clock = InstantSource.system();
    private Secrets secrets;

    private Builder() {}

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder lifetime(Duration lifetime) {
      this.lifetime = lifetime;
      return this;
    }

    public Builder keys(KeySource keys) {
      this.keys = keys;
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    public Builder secrets(Secrets secrets) {
      this.secrets = secrets;
      return this;
    }

    public JwtAccessTokenIssuer build() {
      if (issuer == null || issuer.isBlank()) {
        throw new IllegalArgumentException("issuer is required");
      }
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience is required");
      }
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(secrets, "secrets");
      if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("access-token lifetime must be between 1 second and 1 day");
      }
      return new JwtAccessTokenIssuer(this);
    }
  }
}
