package dev.keycard.server.stream;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;

/**
 * The key set of signed playback URLs, loaded from the store and made there on first start. A key
 * that lived only in memory would invalidate every URL players hold at each restart (a deploy would
 * stall every viewer until the app called stream-start again), and instances could not share URLs.
 * Instances starting together on an empty store make one key between them ({@link
 * UrlKeyStore#addIfEmpty}), and each reloads the set periodically ({@link #load}).
 */
public final class PlaybackKeys {
  private PlaybackKeys() {}

  /** Blocking: the stored keys (newest signs, all verify), after making one if there is none. */
  public static UrlSigningKeys loadOrCreate(UrlKeyStore store, SecureRandom random, InstantSource clock) {
    if (store.newestFirst().isEmpty()) {
      byte[] secret = new byte[UrlSigningKey.MIN_SECRET_BYTES];
      random.nextBytes(secret);
      // When another instance stored its first key meanwhile, that one counts and this one is dropped.
      store.addIfEmpty(new UrlSigningKey(new Secrets(random).newToken("u", 6), secret), clock.instant());
    }
    return load(store);
  }

  /**
   * Blocking: the stored keys as they are now (newest signs, all verify).
   *
   * @throws IllegalStateException when the store holds none ({@link #loadOrCreate} makes the first)
   */
  public static UrlSigningKeys load(UrlKeyStore store) {
    List<UrlSigningKey> keys = store.newestFirst();
    if (keys.isEmpty()) {
      throw new IllegalStateException("the store holds no URL-signing key");
    }
    return UrlSigningKeys.of(keys.get(0), keys.subList(1, keys.size()).toArray(UrlSigningKey[]::new));
  }
}
