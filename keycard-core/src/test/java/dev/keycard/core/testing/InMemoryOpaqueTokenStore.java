package dev.keycard.core.testing;

import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.token.AccessToken;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An opaque-token store for core tests. */
public final class InMemoryOpaqueTokenStore implements OpaqueTokenStore {
  private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();

  @Override
  public void save(String hash, AccessToken token) {
    tokens.put(hash, token);
  }

  @Override
  public Optional<AccessToken> find(String hash) {
    return Optional.ofNullable(tokens.get(hash));
  }

  @Override
  public int purgeExpired(Instant before) {
    int n = tokens.size();
    tokens.values().removeIf(t -> t.expiresAt().isBefore(before));
    return n - tokens.size();
  }
}
