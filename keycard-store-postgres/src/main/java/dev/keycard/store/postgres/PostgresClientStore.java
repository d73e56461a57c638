package dev.keycard.store.postgres;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.ClientStore;
import dev.keycard.core.token.Scopes;
import java.util.List;
import java.util.Optional;

/** {@link ClientStore} in the {@code clients} table. */
final class PostgresClientStore implements ClientStore {
  private final Sql sql;

  PostgresClientStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public Optional<Client> find(String clientId) {
    return sql.queryOne("SELECT client_id, secret_hash, scopes, created_at FROM clients WHERE client_id = ?",
        rs -> new Client(rs.getString("client_id"), rs.getString("secret_hash"), Scopes.parse(rs.getString("scopes")),
            Sql.instant(rs, "created_at")),
        clientId);
  }

  @Override
  public void add(Client client) {
    sql.update("INSERT INTO clients (client_id, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?)",
        client.clientId(), client.secretHash(), Scopes.format(client.scopes()), client.createdAt());
  }

  @Override
  public List<Client> all() {
    return sql.query("SELECT client_id, secret_hash, scopes, created_at FROM clients ORDER BY client_id",
        rs -> new Client(rs.getString("client_id"), rs.getString("secret_hash"), Scopes.parse(rs.getString("scopes")),
            Sql.instant(rs, "created_at")));
  }

  @Override
  public boolean remove(String clientId) {
    return sql.update("DELETE FROM clients WHERE client_id = ?", clientId) > 0;
  }
}
