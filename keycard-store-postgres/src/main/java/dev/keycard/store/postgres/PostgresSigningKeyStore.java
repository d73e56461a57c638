package dev.keycard.store.postgres;

import com.nimbusds.jose.jwk.JWK;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@link SigningKeyStore} in the {@code signing_keys} table, each key as its private JWK JSON. */
final class PostgresSigningKeyStore implements SigningKeyStore {
  private final Sql sql;

  PostgresSigningKeyStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public List<SigningKey> all() {
    return sql.query("SELECT kid, algorithm, jwk, created_at, retired_at FROM signing_keys", rs -> {
      JWK jwk;
      try {
        jwk = JWK.parse(rs.getString("jwk"));
      } catch (ParseException e) {
        throw new SQLException("stored key " + rs.getString("kid") + " is not a readable JWK", e);
      }
      return new SigningKey(rs.getString("kid"), SigningAlgorithm.valueOf(rs.getString("algorithm")), jwk,
          Sql.instant(rs, "created_at"), Sql.instant(rs, "retired_at"));
    });
  }

  /**
   * Under the {@link Sql.Lock#SIGNING_KEYS} advisory lock: two instances finding no signer at the same
   * moment cannot both add one; the second waits, then finds the first's key and changes nothing.
   */
  @Override
  public boolean replaceSigner(Set<String> expectedActive, SigningKey next, Instant at) {
    if (next.retired()) {
      throw new IllegalArgumentException("the next signer must not be retired");
    }
    return sql.locked(Sql.Lock.SIGNING_KEYS, c -> {
      Set<String> active = new HashSet<>(
          Sql.query(c, "SELECT kid FROM signing_keys WHERE retired_at IS NULL", rs -> rs.getString("kid")));
      if (!active.equals(expectedActive)) {
        return false;
      }
      Sql.update(c, "UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", at);
      Sql.update(c, "INSERT INTO signing_keys (kid, algorithm, jwk, created_at) VALUES (?, ?, ?, ?)",
          next.kid(), next.algorithm().name(), next.jwk().toJSONString(), next.createdAt());
      return true;
    });
  }

  @Override
  public void retire(String kid, Instant at) {
    sql.update("UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL", at, kid);
  }

  @Override
  public void delete(String kid) {
    sql.update("DELETE FROM signing_keys WHERE kid = ?", kid);
  }
}
