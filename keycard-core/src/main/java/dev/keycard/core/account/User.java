package dev.keycard.core.account;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A person who logs in.
 *
 * @param passwordHash Argon2id in PHC string form (see {@link dev.keycard.core.password.PasswordHasher})
 * @param scopes       what tokens issued to this user may grant
 */
public record User(String username, String passwordHash, Set<String> scopes, Instant createdAt) {
  public User {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(passwordHash, "passwordHash");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public String toString() {
    return "User[username=" + username + ", scopes=" + scopes + "]";
  }
}
