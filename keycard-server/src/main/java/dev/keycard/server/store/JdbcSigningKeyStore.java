package dev.keycard.server.store;

import com.nimbusds.jose.jwk.JWK;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link SigningKeyStore} in the {@code signing_keys} table, each key as its private JWK JSON. The
 * data directory is 0700 for this reason.
 */
public final class JdbcSigningKeyStore implements SigningKeyStore {
  private final Sql sql;

  public JdbcSigningKeyStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
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

  @Override
  public void add(SigningKey key) {
    sql.update("INSERT INTO signing_keys (kid, algorithm, jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?)",
        key.kid(), key.algorithm().name(), key.jwk().toJSONString(), key.createdAt(), key.retiredAt());
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
