package dev.keycard.server.store.h2;

import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRecord;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.refresh.TokenInFamily;
import dev.keycard.core.token.Scopes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link RefreshTokenStore} in {@code refresh_families} and {@code refresh_tokens}.
 *
 * <p>{@link #rotate} is a compare-and-set on the row: {@code UPDATE … WHERE hash = ? AND state =
 * 'ACTIVE'} and the successor's insert share one transaction, and the update's row count decides who
 * rotated. A concurrent rotation of the same token waits on H2's row lock, then finds the state no
 * longer {@code ACTIVE} (or H2 reports a concurrent update): either way it changes nothing and
 * returns {@code false}.
 */
final class H2RefreshTokenStore implements RefreshTokenStore {
  private static final String INSERT_TOKEN = """
      INSERT INTO refresh_tokens (hash, family_id, state, issued_at, expires_at, rotated_at, successor_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Sql sql;

  H2RefreshTokenStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public void createFamily(RefreshTokenFamily f, RefreshTokenRecord first) {
    sql.transaction(c -> {
      Sql.update(c, """
          INSERT INTO refresh_families (id, subject, client_id, scopes, created_at, absolute_expires_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)""",
          f.id(), f.subject(), f.clientId(), Scopes.format(f.scopes()), f.createdAt(), f.absoluteExpiresAt(),
          f.revokedAt());
      insertToken(c, first);
      return null;
    });
  }

  @Override
  public Optional<RefreshTokenRecord> findToken(String hash) {
    return sql.queryOne("SELECT * FROM refresh_tokens WHERE hash = ?", H2RefreshTokenStore::token, hash);
  }

  @Override
  public Optional<RefreshTokenFamily> findFamily(String familyId) {
    return sql.queryOne("SELECT * FROM refresh_families WHERE id = ?", H2RefreshTokenStore::family, familyId);
  }

  @Override
  public List<RefreshTokenFamily> familiesOf(String subject) {
    return sql.query("SELECT * FROM refresh_families WHERE subject = ? ORDER BY created_at, id",
        H2RefreshTokenStore::family, subject);
  }

  /** One query instead of two: every refresh starts here. */
  @Override
  public Optional<TokenInFamily> findTokenInFamily(String hash) {
    return sql.queryOne("""
        SELECT t.hash, t.family_id, t.state, t.issued_at, t.expires_at, t.rotated_at, t.successor_hash,
               f.id, f.subject, f.client_id, f.scopes, f.created_at, f.absolute_expires_at, f.revoked_at
        FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
        WHERE t.hash = ?""", rs -> new TokenInFamily(token(rs), family(rs)), hash);
  }

  private static RefreshTokenFamily family(ResultSet rs) throws SQLException {
    return new RefreshTokenFamily(rs.getString("id"), rs.getString("subject"), rs.getString("client_id"),
        Scopes.parse(rs.getString("scopes")), Sql.instant(rs, "created_at"), Sql.instant(rs, "absolute_expires_at"),
        Sql.instant(rs, "revoked_at"));
  }

  @Override
  public boolean rotate(String presentedHash, RefreshTokenRecord successor, Instant at) {
    try {
      return sql.transaction(c -> {
        int changed = Sql.update(c, """
            UPDATE refresh_tokens SET state = 'ROTATED', rotated_at = ?, successor_hash = ?
            WHERE hash = ? AND state = 'ACTIVE'""", at, successor.hash(), presentedHash);
        if (changed != 1) {
          return false;
        }
        insertToken(c, successor);
        return true;
      });
    } catch (RuntimeException e) {
      if (e.getCause() instanceof SQLException s && lostTheRace(s)) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean revokeFamily(String familyId, Instant at) {
    return sql.transaction(c -> {
      int changed = Sql.update(c, "UPDATE refresh_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
          at, familyId);
      if (changed != 1) {
        return false;
      }
      Sql.update(c, "UPDATE refresh_tokens SET state = 'REVOKED' WHERE family_id = ? AND state <> 'REVOKED'", familyId);
      return true;
    });
  }

  @Override
  public int purgeExpired(Instant before) {
    // Tokens go with their family (ON DELETE CASCADE).
    return sql.update("DELETE FROM refresh_families WHERE absolute_expires_at < ?", before);
  }

  @Override
  public byte[] successorKey(byte[] candidate, Instant at) {
    Optional<byte[]> stored = storedSuccessorKey();
    if (stored.isPresent()) {
      return stored.get();
    }
    try {
      sql.update("INSERT INTO refresh_successor_key (id, secret, created_at) VALUES (1, ?, ?)",
          B64.encodeToString(candidate), at);
    } catch (IllegalStateException alreadyThere) {
      // Another process (a CLI command, a second server) stored its key first: that one counts.
    }
    return storedSuccessorKey().orElseThrow();
  }

  private Optional<byte[]> storedSuccessorKey() {
    return sql.queryOne("SELECT secret FROM refresh_successor_key WHERE id = 1",
        rs -> Base64.getUrlDecoder().decode(rs.getString("secret")));
  }

  private static void insertToken(Connection c, RefreshTokenRecord t) throws SQLException {
    Sql.update(c, INSERT_TOKEN, t.hash(), t.familyId(), t.state().name(), t.issuedAt(), t.expiresAt(),
        t.rotatedAt(), t.successorHash());
  }

  private static RefreshTokenRecord token(ResultSet rs) throws SQLException {
    return new RefreshTokenRecord(rs.getString("hash"), rs.getString("family_id"),
        RefreshTokenRecord.State.valueOf(rs.getString("state")), Sql.instant(rs, "issued_at"),
        Sql.instant(rs, "expires_at"), Sql.instant(rs, "rotated_at"), rs.getString("successor_hash"));
  }

  /** Another rotation won the row. */
  private static boolean lostTheRace(SQLException e) {
    return Sql.isConcurrentUpdate(e);
  }
}
