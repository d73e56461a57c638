package dev.keycard.core.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The verified contents of an access token, whatever its format (JWT or opaque).
 *
 * @param subject   the resource owner ({@code sub}); for client-credentials tokens, the client id
 * @param scopes    granted scopes ({@code scope}, space separated on the wire)
 * @param clientId  the OAuth client the token was issued to ({@code client_id})
 * @param issuer    {@code iss}
 * @param audience  {@code aud}
 * @param tokenId   {@code jti}: the handle revocation uses
 * @param sessionId {@code sid}: the refresh-token family the token was issued from, or {@code null}
 *                  when there is none (client credentials); revoking the family revokes the token
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 */
public record AccessToken(
    String subject,
    Set<String> scopes,
    String clientId,
    String issuer,
    List<String> audience,
    String tokenId,
    String sessionId,
    Instant issuedAt,
    Instant notBefore,
    Instant expiresAt) {

  public AccessToken {
    Objects.requireNonNull(subject, "subject");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(issuer, "issuer");
    audience = List.copyOf(audience);
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  /** The scopes as the space-separated string RFC 6749 §3.3 puts on the wire, sorted for stable output. */
  public String scope() {
    return Scopes.format(scopes);
  }
}
