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

  @Test
  void allListsEveryUserByName() {
    assertThat(store.all()).isEmpty();
    User bob = new User("bob", "h2", Set.of(), T0);
    User alice = new User("alice", "h1", Set.of("keycard:admin"), T0);
    store.add(bob);
    store.add(alice);
    assertThat(store.all()).containsExactly(alice, bob);
  }

  @Test
  void removeDeletesTheUserOnce() {
    store.add(new User("dave", "h", Set.of(), T0));
    store.add(new User("erin", "h", Set.of(), T0));

    assertThat(store.remove("dave")).isTrue();

    assertThat(store.find("dave")).isEmpty();
    assertThat(store.remove("dave")).isFalse();
    assertThat(store.all()).extracting(User::username).containsExactly("erin");
  }

  @Test
  void removeWhenUnknownThenFalse() {
    assertThat(store.remove("nobody")).isFalse();
  }

  @Test
  void aRemovedNameCanBeAddedAgain() {
    store.add(new User("frank", "old", Set.of(), T0));
    store.remove("frank");
    store.add(new User("frank", "new", Set.of(), T0));
    assertThat(store.find("frank")).get().extracting(User::passwordHash).isEqualTo("new");
  }
}
