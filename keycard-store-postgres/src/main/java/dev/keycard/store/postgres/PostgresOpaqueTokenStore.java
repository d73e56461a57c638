package dev.keycard.store.postgres;

import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Scopes;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link OpaqueTokenStore} in the {@code opaque_tokens} table, keyed by the token's hash. */
final class PostgresOpaqueTokenStore implements OpaqueTokenStore {
  private final Sql sql;

  PostgresOpaqueTokenStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void save(String hash, AccessToken t) {
    sql.update("""
        INSERT INTO opaque_tokens (hash, subject, scopes, client_id, issuer, audience, token_id, session_id,
                                   issued_at, not_before, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        hash, t.subject(), Scopes.format(t.scopes()), t.clientId(), t.issuer(), String.join(" ", t.audience()),
        t.tokenId(), t.sessionId(), t.issuedAt(), t.notBefore(), t.expiresAt());
  }

  @Override
  public Optional<AccessToken> find(String hash) {
    return sql.queryOne("""
        SELECT subject, scopes, client_id, issuer, audience, token_id, session_id, issued_at, not_before, expires_at
        FROM opaque_tokens WHERE hash = ?""",
        rs -> new AccessToken(rs.getString("subject"), Scopes.parse(rs.getString("scopes")), rs.getString("client_id"),
            rs.getString("issuer"), audience(rs.getString("audience")), rs.getString("token_id"),
            rs.getString("session_id"), Sql.instant(rs, "issued_at"), Sql.instant(rs, "not_before"),
            Sql.instant(rs, "expires_at")),
        hash);
  }

  @Override
  public int purgeExpired(Instant before) {
    return sql.update("DELETE FROM opaque_tokens WHERE expires_at < ?", before);
  }

  // Audience values are URIs or plain names (RFC 7519 §4.1.3), which hold no spaces.
  private static List<String> audience(String stored) {
    return stored.isEmpty() ? List.of() : Arrays.asList(stored.split(" "));
  }
}
