package dev.keycard.core.testing;

import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** A signing-key store for core tests; {@link #replaceSigner} is synchronized, so it is atomic. */
public final class InMemorySigningKeyStore implements SigningKeyStore {
  private final Map<String, SigningKey> keys = new ConcurrentHashMap<>();

  @Override
  public List<SigningKey> all() {
    return new ArrayList<>(keys.values());
  }

  @Override
  public synchronized boolean replaceSigner(Set<String> expectedActive, SigningKey next, Instant at) {
    Set<String> active = keys.values().stream().filter(k -> !k.retired()).map(SigningKey::kid).collect(Collectors.toSet());
    if (!active.equals(expectedActive)) {
      return false;
    }
    active.forEach(kid -> retire(kid, at));
    keys.put(next.kid(), next);
    return true;
  }

  @Override
  public synchronized void retire(String kid, Instant at) {
    keys.computeIfPresent(kid, (k, v) -> v.retired() ? v : v.retire(at));
  }

  @Override
  public void delete(String kid) {
    keys.remove(kid);
  }
}
