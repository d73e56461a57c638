package dev.keycard.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.token.AccessToken;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link OpaqueTokenStore} must do. */
public abstract class OpaqueTokenStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.5Z");
  private OpaqueTokenStore store;

  protected abstract OpaqueTokenStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private static AccessToken token(String jti, String sid, Instant exp) {
    return new AccessToken("alice", Set.of("stream:view", "chat"), "web", "https://id.example", List.of("keycard-api"),
        jti, sid, T0, T0, exp);
  }

  @Test
  void findByHashReturnsTheSavedClaims() {
    AccessToken t = token("jti-1", "sid-1", T0.plusSeconds(900));
    store.save("hash-1", t);
    assertThat(store.find("hash-1")).contains(t);
  }

  @Test
  void tokenWithoutSessionRoundTrips() {
    AccessToken t = token("jti-2", null, T0.plusSeconds(900));
    store.save("hash-2", t);
    assertThat(store.find("hash-2")).contains(t);
  }

  @Test
  void findWhenUnknownThenEmpty() {
    assertThat(store.find("unknown")).isEmpty();
  }

  @Test
  void purgeExpiredDeletesExpiredTokensOnly() {
    store.save("old", token("a", null, T0.minusSeconds(1)));
    store.save("new", token("b", null, T0.plusSeconds(1)));
    assertThat(store.purgeExpired(T0)).isEqualTo(1);
    assertThat(store.find("old")).isEmpty();
    assertThat(store.find("new")).isPresent();
  }
}
