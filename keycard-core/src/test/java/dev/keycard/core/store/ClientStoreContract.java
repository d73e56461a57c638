package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.ClientStore;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ClientStore} must do. */
public abstract class ClientStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private ClientStore store;

  protected abstract ClientStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @Test
  void confidentialClientRoundTrips() {
    Client c = new Client("ingest", "c2VjcmV0LWhhc2g", Set.of("stream:publish"), T0);
    store.add(c);
    assertThat(store.find("ingest")).contains(c);
    assertThat(store.find("ingest").orElseThrow().confidential()).isTrue();
  }

  @Test
  void publicClientRoundTripsWithoutSecret() {
    store.add(new Client("web", null, Set.of(), T0));
    assertThat(store.find("web").orElseThrow().confidential()).isFalse();
  }

  @Test
  void addWhenIdTakenThenIllegalState() {
    store.add(new Client("dup", null, Set.of(), T0));
    assertThatThrownBy(() -> store.add(new Client("dup", "x", Set.of(), T0))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void findWhenUnknownThenEmpty() {
    assertThat(store.find("nope")).isEmpty();
  }

  @Test
  void allListsEveryClientById() {
    assertThat(store.all()).isEmpty();
    Client web = new Client("web", null, Set.of(), T0);
    Client ingest = new Client("ingest", "c2VjcmV0LWhhc2g", Set.of("stream:publish"), T0);
    store.add(web);
    store.add(ingest);
    assertThat(store.all()).containsExactly(ingest, web);
  }

  @Test
  void removeDeletesTheClientOnce() {
    store.add(new Client("old", "x", Set.of(), T0));

    assertThat(store.remove("old")).isTrue();

    assertThat(store.find("old")).isEmpty();
    assertThat(store.remove("old")).isFalse();
    assertThat(store.remove("never")).isFalse();
  }
}
