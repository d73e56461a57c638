package dev.keycard.core.account;

import java.util.List;
import java.util.Optional;

/** Where users are kept. */
public interface UserStore {
  Optional<User> find(String username);

  /** @throws IllegalStateException when the user name is taken */
  void add(User user);

  /** Every user, by name. */
  List<User> all();

  /**
   * Deletes the user. Their refresh-token families stay (revoke them first: the store does not
   * know about denylists), and so does nothing else that names them.
   *
   * @return {@code true} when this call removed the user; {@code false} when there was none
   */
  boolean remove(String username);
}
