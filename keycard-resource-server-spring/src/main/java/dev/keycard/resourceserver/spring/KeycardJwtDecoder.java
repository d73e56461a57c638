package dev.keycard.resourceserver.spring;

import dev.keycard.core.token.AccessToken;
import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.KeycardResourceServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Spring Security's {@link JwtDecoder}, answered by keycard's own checklist through
 * {@link KeycardResourceServer}: keys and revocations in memory, the same refusal reasons as keycard.
 * A granted token becomes a {@link Jwt} with keycard's claims ({@code scope} among them, so Spring's
 * default converter yields {@code SCOPE_…} authorities). A refused one is a {@link BadJwtException}
 * (Spring answers 401 {@code invalid_token}) whose cause carries the verdict, which
 * {@link KeycardAuthenticationEntryPoint} writes out exactly as keycard does. That includes the case
 * where keycard cannot be asked (an opaque token while it is away, or a revocation feed out of date
 * under {@code FAIL_CLOSED}): the entry point answers it 503 with {@code Retry-After}, never 401 (a
 * plain {@code JwtException} would reach Spring as an authentication-service failure, a 500).
 */
public final class KeycardJwtDecoder implements JwtDecoder {
  private final KeycardResourceServer keycard;

  public KeycardJwtDecoder(KeycardResourceServer keycard) {
    this.keycard = Objects.requireNonNull(keycard, "keycard");
  }

  @Override
  public Jwt decode(String token) throws JwtException {
    Access access = keycard.check(token, null).toCompletableFuture().join();
    return switch (access) {
      case Access.Granted granted -> jwt(token, granted.token());
      default -> {
        KeycardAuthenticationException refusal = new KeycardAuthenticationException(access);
        throw new BadJwtException(refusal.getMessage(), refusal);
      }
    };
  }

  private static Jwt jwt(String value, AccessToken t) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", t.issuer());
    claims.put("sub", t.subject());
    claims.put("aud", t.audience());
    claims.put("client_id", t.clientId());
    claims.put("scope", t.scope());
    claims.put("jti", t.tokenId());
    if (t.sessionId() != null) {
      claims.put("sid", t.sessionId());
    }
    claims.put("iat", t.issuedAt());
    claims.put("nbf", t.notBefore());
    claims.put("exp", t.expiresAt());
    return new Jwt(value, t.issuedAt(), t.expiresAt(), Map.of("typ", "at+jwt"), claims);
  }
}
