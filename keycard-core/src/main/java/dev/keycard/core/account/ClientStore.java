package dev.keycard.core.account;

import java.util.Optional;

/** Where OAuth clients are kept. */
public interface ClientStore {
  Optional<Client> find(String clientId);

  /** @throws IllegalStateException when the client id is taken */
  void add(Client client);
}
