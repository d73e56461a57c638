package dev.keycard.server.store;

import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.server.stream.UrlKeyStore;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/** {@link UrlKeyStore} in the {@code url_signing_keys} table. */
public final class JdbcUrlKeyStore implements UrlKeyStore {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final Sql sql;

  public JdbcUrlKeyStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public List<UrlSigningKey> newestFirst() {
    return sql.query("SELECT key_id, secret FROM url_signing_keys ORDER BY created_at DESC, key_id",
        rs -> new UrlSigningKey(rs.getString("key_id"), DECODER.decode(rs.getString("secret"))));
  }

  @Override
  public void add(UrlSigningKey key, Instant createdAt) {
    sql.update("INSERT INTO url_signing_keys (key_id, secret, created_at) VALUES (?, ?, ?)",
        key.keyId(), ENCODER.encodeToString(key.secret()), createdAt);
  }
}
