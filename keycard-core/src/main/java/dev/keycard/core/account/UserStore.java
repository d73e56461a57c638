package dev.keycard.core.account;

import java.util.Optional;

/** Where users are kept. */
public interface UserStore {
  Optional<User> find(String username);

  /** @throws IllegalStateException when the user name is taken */
  void add(User user);
}
