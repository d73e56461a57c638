package dev.keycard.core.testing;

import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.signedurl.UrlSigningKey;
import java.time.Instant;
import java.util.List;

/** A URL-signing key store for tests. */
public final class InMemoryUrlKeyStore implements UrlKeyStore {
  private UrlSigningKey key;

  @Override
  public synchronized List<UrlSigningKey> newestFirst() {
    return key == null ? List.of() : List.of(key);
  }

  @Override
  public synchronized boolean addIfEmpty(UrlSigningKey first, Instant createdAt) {
    if (key != null) {
      return false;
    }
    key = first;
    return true;
  }
}
