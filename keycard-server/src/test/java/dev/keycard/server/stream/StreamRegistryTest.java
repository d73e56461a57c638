package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamStore;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamRegistryTest {
  private static final StreamId CAM1 = new StreamId("cam1");
  private final MutableClock clock = MutableClock.atFixedStart();
  /** Another process's view of the same store: what {@code keycard streams add} writes to. */
  private final InMemoryStreamStore store = new InMemoryStreamStore();
  private final AtomicInteger lookups = new AtomicInteger();
  private final StreamRegistry registry = new StreamRegistry(new StreamStore() {
    @Override
    public boolean add(StreamId id, Instant createdAt) {
      return store.add(id, createdAt);
    }

    @Override
    public List<StreamId> all() {
      return store.all();
    }

    @Override
    public boolean exists(StreamId id) {
      lookups.incrementAndGet();
      return store.exists(id);
    }
  }, clock);

  @Test
  void presenceWhenStoredByAnotherProcessThenUncertainUntilConfirmed() {
    store.add(CAM1, clock.instant());

    assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.UNCERTAIN);
    assertThat(registry.confirm(CAM1)).isTrue();
    assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.REGISTERED);
    assertThat(registry.isRegistered(CAM1)).isTrue();
  }

  @Test
  void confirmWhenMissingThenTheMissIsTrustedOnlyBriefly() {
    assertThat(registry.confirm(CAM1)).isFalse();
    for (int i = 0; i < 100; i++) {
      assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.UNREGISTERED);
    }
    assertThat(lookups).hasValue(1);

    store.add(CAM1, clock.instant());
    clock.advance(StreamRegistry.MISS_MEMORY.minus(Duration.ofMillis(1)));
    assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.UNREGISTERED);
    clock.advance(Duration.ofMillis(1));
    assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.UNCERTAIN);
    assertThat(registry.confirm(CAM1)).isTrue();
  }

  @Test
  void registerWhenTheIdWasAMissThenRegisteredAtOnce() {
    registry.confirm(CAM1);

    assertThat(registry.register(CAM1)).isEqualTo(Registration.ADDED);
    assertThat(registry.presence(CAM1)).isEqualTo(StreamRegistry.Presence.REGISTERED);
  }
}
