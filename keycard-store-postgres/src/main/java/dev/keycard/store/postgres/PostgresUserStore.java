package dev.keycard.store.postgres;

import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.token.Scopes;
import java.util.List;
import java.util.Optional;

/** {@link UserStore} in the {@code users} table. */
final class PostgresUserStore implements UserStore {
  private final Sql sql;

  PostgresUserStore(Sql sql) {
    this.sql = sql;
  }

  private static final String COLUMNS = "username, password_hash, scopes, created_at";

  @Override
  public Optional<User> find(String username) {
    return sql.queryOne("SELECT username, password_hash, scopes, created_at FROM users WHERE username = ?",
        rs -> new User(rs.getString("username"), rs.getString("password_hash"), Scopes.parse(rs.getString("scopes")),
            Sql.instant(rs, "created_at")),
        username);
  }

  @Override
  public void add(User user) {
    sql.update("INSERT INTO users (username, password_hash, scopes, created_at) VALUES (?, ?, ?, ?)",
        user.username(), user.passwordHash(), Scopes.format(user.scopes()), user.createdAt());
  }

  @Override
  public List<User> all() {
    return sql.query("SELECT " + COLUMNS + " FROM users ORDER BY username",
        rs -> new User(rs.getString("username"), rs.getString("password_hash"), Scopes.parse(rs.getString("scopes")),
            Sql.instant(rs, "created_at")));
  }

  @Override
  public boolean remove(String username) {
    return sql.update("DELETE FROM users WHERE username = ?", username) > 0;
  }
}
