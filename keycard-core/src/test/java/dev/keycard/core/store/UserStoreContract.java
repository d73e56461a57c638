package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link UserStore} must do. */
public abstract class UserStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
  private UserStore store;

  protected abstract UserStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @Test
  void findReturnsWhatWasAdded() {
    User alice = new User("alice", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", Set.of("stream:view", "chat"), T0);
    store.add(alice);
    assertThat(store.find("alice")).contains(alice);
  }

  @Test
  void findWhenUnknownThenEmpty() {
    assertThat(store.find("nobody")).isEmpty();
  }

  @Test
  void addWhenNameTakenThenIllegalState() {
    store.add(new User("bob", "h1", Set.of(), T0));
    assertThatThrownBy(() -> store.add(new User("bob", "h2", Set.of(), T0))).isInstanceOf(IllegalStateException.class);
    assertThat(store.find("bob")).get().extracting(User::passwordHash).isEqualTo("h1");
  }

  @Test
  void userWithoutScopesRoundTrips() {
    store.add(new User("carol", "h", Set.of(), T0));
    assertThat(store.find("carol")).get().extracting(User::scopes).isEqualTo(Set.of());
  }
}
