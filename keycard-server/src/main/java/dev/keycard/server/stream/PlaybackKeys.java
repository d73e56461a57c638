package dev.keycard.server.stream;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;

/**
 * The key set of signed playback URLs, loaded from the store and made there on first start. A key
 * that lived only in memory would invalidate every URL players hold at each restart (a deploy would
 * stall every viewer until the app called stream-start again), and instances could not share URLs.
 */
public final class PlaybackKeys {
  private PlaybackKeys() {}

  /** Blocking: the stored keys (newest signs, all verify), after making one if there is none. */
  public static UrlSigningKeys loadOrCreate(UrlKeyStore store, SecureRandom random, InstantSource clock) {
    List<UrlSigningKey> keys = store.newestFirst();
    if (keys.isEmpty()) {
      byte[] secret = new byte[UrlSigningKey.MIN_SECRET_BYTES];
      random.nextBytes(secret);
      store.add(new UrlSigningKey(new Secrets(random).newToken("u", 6), secret), clock.instant());
      keys = store.newestFirst();
    }
    return UrlSigningKeys.of(keys.get(0), keys.subList(1, keys.size()).toArray(UrlSigningKey[]::new));
  }
}
