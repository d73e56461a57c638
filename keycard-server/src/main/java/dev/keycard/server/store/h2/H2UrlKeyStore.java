package dev.keycard.server.store.h2;

import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.signedurl.UrlSigningKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link UrlKeyStore} in the {@code url_signing_keys} table. The first key is added under the
 * {@code url_signing_keys} row lock of {@code store_locks}, so instances starting together on an empty
 * database make one key between them.
 */
final class H2UrlKeyStore implements UrlKeyStore {
  private static final String LOCK = "url_signing_keys";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final Sql sql;

  H2UrlKeyStore(DataSource dataSource) {
    this.sql = new Sql(dataSource);
  }

  @Override
  public List<UrlSigningKey> newestFirst() {
    return sql.query("SELECT key_id, secret FROM url_signing_keys ORDER BY created_at DESC, key_id",
        rs -> new UrlSigningKey(rs.getString("key_id"), DECODER.decode(rs.getString("secret"))));
  }

  @Override
  public boolean addIfEmpty(UrlSigningKey first, Instant createdAt) {
    return sql.lockedTransaction(LOCK, (c, ignored) -> {
      if (!Sql.query(c, "SELECT key_id FROM url_signing_keys FETCH FIRST 1 ROWS ONLY", rs -> rs.getString(1)).isEmpty()) {
        return false;
      }
      Sql.update(c, "INSERT INTO url_signing_keys (key_id, secret, created_at) VALUES (?, ?, ?)",
          first.keyId(), ENCODER.encodeToString(first.secret()), createdAt);
      return true;
    });
  }
}
