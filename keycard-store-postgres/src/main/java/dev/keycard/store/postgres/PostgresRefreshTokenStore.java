package dev.keycard.store.postgres;

import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRecord;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.refresh.TokenInFamily;
import dev.keycard.core.token.Scopes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link RefreshTokenStore} in {@code refresh_families} and {@code refresh_tokens}, each write one
 * statement (one round trip, one commit).
 *
 * <p>{@link #rotate} is {@code UPDATE … WHERE hash = ? AND state = 'ACTIVE' RETURNING}, with the
 * successor inserted from what it returns, in the same statement. Under READ COMMITTED a concurrent
 * rotation of the same token, on any instance, waits for the row lock, then re-reads the row, finds it
 * no longer {@code ACTIVE} and changes nothing: of any number of them exactly one wins.
 */
final class PostgresRefreshTokenStore implements RefreshTokenStore {
  private static final String TOKEN_COLUMNS = "hash, family_id, state, issued_at, expires_at, rotated_at, successor_hash";
  private static final String FAMILY_COLUMNS =
      "id, subject, client_id, scopes, created_at, absolute_expires_at, revoked_at";

  private final Sql sql;

  PostgresRefreshTokenStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void createFamily(RefreshTokenFamily f, RefreshTokenRecord first) {
    sql.update("""
        WITH family AS (
          INSERT INTO refresh_families (id, subject, client_id, scopes, created_at, absolute_expires_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          RETURNING id)
        INSERT INTO refresh_tokens (hash, family_id, state, issued_at, expires_at, rotated_at, successor_hash)
        SELECT ?::text, id, ?::text, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::text FROM family""",
        f.id(), f.subject(), f.clientId(), Scopes.format(f.scopes()), f.createdAt(), f.absoluteExpiresAt(),
        f.revokedAt(),
        first.hash(), first.state().name(), first.issuedAt(), first.expiresAt(), first.rotatedAt(),
        first.successorHash());
  }

  @Override
  public Optional<RefreshTokenRecord> findToken(String hash) {
    return sql.queryOne("SELECT " + TOKEN_COLUMNS + " FROM refresh_tokens WHERE hash = ?",
        PostgresRefreshTokenStore::token, hash);
  }

  @Override
  public Optional<RefreshTokenFamily> findFamily(String familyId) {
    return sql.queryOne("SELECT " + FAMILY_COLUMNS + " FROM refresh_families WHERE id = ?",
        PostgresRefreshTokenStore::family, familyId);
  }

  @Override
  public List<RefreshTokenFamily> familiesOf(String subject) {
    return sql.query("SELECT " + FAMILY_COLUMNS + " FROM refresh_families WHERE subject = ? ORDER BY created_at, id",
        PostgresRefreshTokenStore::family, subject);
  }

  /** One query instead of two: every refresh starts here. */
  @Override
  public Optional<TokenInFamily> findTokenInFamily(String hash) {
    return sql.queryOne("""
        SELECT t.hash, t.family_id, t.state, t.issued_at, t.expires_at, t.rotated_at, t.successor_hash,
               f.id, f.subject, f.client_id, f.scopes, f.created_at, f.absolute_expires_at, f.revoked_at
        FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
        WHERE t.hash = ?""",
        rs -> new TokenInFamily(token(rs), family(rs)), hash);
  }

  @Override
  public boolean rotate(String presentedHash, RefreshTokenRecord successor, Instant at) {
    return sql.update("""
        WITH spent AS (
          UPDATE refresh_tokens SET state = 'ROTATED', rotated_at = ?, successor_hash = ?
          WHERE hash = ? AND state = 'ACTIVE'
          RETURNING family_id)
        INSERT INTO refresh_tokens (hash, family_id, state, issued_at, expires_at, rotated_at, successor_hash)
        SELECT ?::text, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::text FROM spent""",
        at, successor.hash(), presentedHash,
        successor.hash(), successor.familyId(), successor.state().name(), successor.issuedAt(),
        successor.expiresAt(), successor.rotatedAt(), successor.successorHash()) == 1;
  }

  @Override
  public boolean revokeFamily(String familyId, Instant at) {
    return sql.queryOne("""
        WITH family AS (
          UPDATE refresh_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL
          RETURNING id),
        tokens AS (
          UPDATE refresh_tokens SET state = 'REVOKED'
          WHERE family_id IN (SELECT id FROM family) AND state <> 'REVOKED')
        SELECT count(*) FROM family""",
        rs -> rs.getLong(1), at, familyId).orElse(0L) == 1;
  }

  @Override
  public int purgeExpired(Instant before) {
    // Tokens go with their family (ON DELETE CASCADE).
    return sql.update("DELETE FROM refresh_families WHERE absolute_expires_at < ?", before);
  }

  /** {@code ON CONFLICT DO NOTHING}: of processes storing their candidates at once, the first one's counts. */
  @Override
  public byte[] successorKey(byte[] candidate, Instant at) {
    sql.update("INSERT INTO refresh_successor_key (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
        candidate, at);
    return sql.queryOne("SELECT secret FROM refresh_successor_key WHERE id = 1", rs -> rs.getBytes("secret"))
        .orElseThrow(() -> new IllegalStateException("refresh_successor_key holds no row after an insert"));
  }

  private static RefreshTokenFamily family(ResultSet rs) throws SQLException {
    return new RefreshTokenFamily(rs.getString("id"), rs.getString("subject"), rs.getString("client_id"),
        Scopes.parse(rs.getString("scopes")), Sql.instant(rs, "created_at"), Sql.instant(rs, "absolute_expires_at"),
        Sql.instant(rs, "revoked_at"));
  }

  private static RefreshTokenRecord token(ResultSet rs) throws SQLException {
    return new RefreshTokenRecord(rs.getString("hash"), rs.getString("family_id"),
        RefreshTokenRecord.State.valueOf(rs.getString("state")), Sql.instant(rs, "issued_at"),
        Sql.instant(rs, "expires_at"), Sql.instant(rs, "rotated_at"), rs.getString("successor_hash"));
  }
}
