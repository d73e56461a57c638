package dev.keycard.core.testing;

import dev.keycard.core.stream.StreamKey;
import dev.keycard.core.stream.StreamKeyStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A stream-key store for tests; the same contract as the database's ({@code StreamKeyStoreContract}). */
public final class InMemoryStreamKeyStore implements StreamKeyStore {
  private final Map<String, StreamKey> byId = new LinkedHashMap<>();

  @Override
  public synchronized void add(StreamKey key) {
    if (byId.containsKey(key.keyId()) || byId.values().stream().anyMatch(k -> k.hash().equals(key.hash()))) {
      throw new IllegalStateException("already exists");
    }
    byId.put(key.keyId(), key);
  }

  @Override
  public synchronized Optional<StreamKey> findByHash(String hash) {
    return byId.values().stream().filter(k -> k.hash().equals(hash)).findFirst();
  }

  @Override
  public synchronized List<StreamKey> list(String streamId) {
    return byId.values().stream().filter(k -> k.streamId().equals(streamId))
        .sorted(Comparator.comparing(StreamKey::createdAt).thenComparing(StreamKey::keyId)).toList();
  }

  @Override
  public synchronized Optional<StreamKey> revoke(String streamId, String keyId, Instant at) {
    StreamKey key = byId.get(keyId);
    if (key == null || !key.streamId().equals(streamId)) {
      return Optional.empty();
    }
    if (key.revokedAt() == null || key.revokedAt().isAfter(at)) {
      key = new StreamKey(key.keyId(), key.streamId(), key.hash(), key.createdAt(), at);
      byId.put(keyId, key);
    }
    return Optional.of(key);
  }
}
