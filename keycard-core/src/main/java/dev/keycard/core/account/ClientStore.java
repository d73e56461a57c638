package dev.keycard.core.account;

import java.util.List;
import java.util.Optional;

/** Where OAuth clients are kept. */
public interface ClientStore {
  Optional<Client> find(String clientId);

  /** @throws IllegalStateException when the client id is taken */
  void add(Client client);

  /** Every client, by id. */
  List<Client> all();

  /** @return {@code true} when this call removed the client; {@code false} when there was none */
  boolean remove(String clientId);
}
