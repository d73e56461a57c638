package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link StreamStore} must do. */
public abstract class StreamStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private StreamStore store;

  protected abstract StreamStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  @Test
  void addRegistersAnIdOnce() {
    assertThat(store.add(new StreamId("cam1"), T0)).isTrue();
    assertThat(store.add(new StreamId("cam1"), T0.plusSeconds(1))).isFalse();
    assertThat(store.all()).containsExactly(new StreamId("cam1"));
  }

  @Test
  void allListsEveryIdInIdOrder() {
    store.add(new StreamId("zeta"), T0);
    store.add(new StreamId("alpha"), T0);
    store.add(new StreamId("mid-1"), T0);
    assertThat(store.all()).containsExactly(new StreamId("alpha"), new StreamId("mid-1"), new StreamId("zeta"));
  }

  @Test
  void existsOnlyForRegisteredIds() {
    store.add(new StreamId("cam1"), T0);
    assertThat(store.exists(new StreamId("cam1"))).isTrue();
    assertThat(store.exists(new StreamId("cam2"))).isFalse();
  }
}
