package dev.keycard.core.testing;

import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A signing-key store for core tests. */
public final class InMemorySigningKeyStore implements SigningKeyStore {
  private final Map<String, SigningKey> keys = new ConcurrentHashMap<>();

  @Override
  public List<SigningKey> all() {
    return new ArrayList<>(keys.values());
  }

  @Override
  public void add(SigningKey key) {
    keys.put(key.kid(), key);
  }

  @Override
  public void retire(String kid, Instant at) {
    keys.computeIfPresent(kid, (k, v) -> v.retire(at));
  }

  @Override
  public void delete(String kid) {
    keys.remove(kid);
  }
}
