package dev.keycard.core.testing;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** User and client stores for core tests. */
public final class InMemoryAccounts implements UserStore {
  private final Map<String, User> users = new ConcurrentHashMap<>();
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  @Override
  public Optional<User> find(String username) {
    return Optional.ofNullable(users.get(username));
  }

  @Override
  public void add(User user) {
    if (users.putIfAbsent(user.username(), user) != null) {
      throw new IllegalStateException("user exists");
    }
  }

  @Override
  public List<User> all() {
    return users.values().stream().sorted(Comparator.comparing(User::username)).toList();
  }

  @Override
  public boolean remove(String username) {
    return users.remove(username) != null;
  }

  public ClientStore clients() {
    return new ClientStore() {
      @Override
      public Optional<Client> find(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
      }

      @Override
      public void add(Client client) {
        if (clients.putIfAbsent(client.clientId(), client) != null) {
          throw new IllegalStateException("client exists");
        }
      }

      @Override
      public List<Client> all() {
        return clients.values().stream().sorted(Comparator.comparing(Client::clientId)).toList();
      }

      @Override
      public boolean remove(String clientId) {
        return clients.remove(clientId) != null;
      }
    };
  }

  @Override
  public String toString() {
    return "InMemoryAccounts";
  }
}
