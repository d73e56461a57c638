package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.stream.StreamKeyStore;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StreamKeyStore} must do. Keys are issued for registered streams only, so
 * {@link #newStore} registers {@link #STREAMS} first ({@link StoresContract} does).
 */
public abstract class StreamKeyStoreContract {
  protected static final String[] STREAMS = {"cam1", "cam2"};
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
  private StreamKeyStore store;

  protected abstract StreamKeyStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private static StreamKey key(String id, String stream, String hash, Instant createdAt) {
    return new StreamKey(id, stream, hash, createdAt, null);
  }

  @Test
  void addedKeyIsFoundByItsHashWithEveryFieldIntact() {
    StreamKey k = key("0123456789ab", "cam1", "aGFzaC1vbmU", T0);
    store.add(k);

    assertThat(store.findByHash("aGFzaC1vbmU")).contains(k);
    assertThat(store.findByHash("aGFzaC1vbmX")).isEmpty();
  }

  @Test
  void addWhenKeyIdOrHashTakenThenIllegalState() {
    store.add(key("0123456789ab", "cam1", "aGFzaC1vbmU", T0));

    assertThatThrownBy(() -> store.add(key("0123456789ab", "cam1", "b3RoZXI", T0))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.add(key("ba9876543210", "cam2", "aGFzaC1vbmU", T0))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void listHoldsOnlyTheStreamsKeysOldestFirstRevokedIncluded() {
    StreamKey second = key("bbbbbbbbbbbb", "cam1", "aGFzaC0y", T0.plusSeconds(1));
    StreamKey first = key("cccccccccccc", "cam1", "aGFzaC0x", T0);
    store.add(second);
    store.add(first);
    store.add(key("aaaaaaaaaaaa", "cam2", "aGFzaC0z", T0));
    StreamKey revoked = store.revoke("cam1", "bbbbbbbbbbbb", T0.plusSeconds(5)).orElseThrow();

    assertThat(store.list("cam1")).containsExactly(first, revoked);
    assertThat(store.list("nobody")).isEmpty();
  }

  @Test
  void revokeSetsTheTimeAndBringsAnEarlierTimeForwardButNeverPostponesIt() {
    store.add(key("0123456789ab", "cam1", "aGFzaC1vbmU", T0));

    assertThat(store.revoke("cam1", "0123456789ab", T0.plusSeconds(60)).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(60));
    assertThat(store.revoke("cam1", "0123456789ab", T0.plusSeconds(10)).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(10));
    assertThat(store.revoke("cam1", "0123456789ab", T0.plusSeconds(99)).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(10));
    assertThat(store.findByHash("aGFzaC1vbmU").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void revokeWhenKeyUnknownOrOfAnotherStreamThenEmptyAndNothingChanges() {
    store.add(key("0123456789ab", "cam2", "aGFzaC1vbmU", T0));

    assertThat(store.revoke("cam1", "0123456789ab", T0)).isEmpty();
    assertThat(store.revoke("cam1", "ffffffffffff", T0)).isEmpty();
    assertThat(store.findByHash("aGFzaC1vbmU").orElseThrow().revokedAt()).isNull();
  }
}
