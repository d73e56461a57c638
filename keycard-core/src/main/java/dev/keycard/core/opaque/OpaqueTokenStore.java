package dev.keycard.core.opaque;

import dev.keycard.core.token.AccessToken;
import java.util.Optional;

/** Where opaque access tokens are kept, by hash only: a stolen copy of the store yields no tokens. */
public interface OpaqueTokenStore {
  void save(String hash, AccessToken token);

  Optional<AccessToken> find(String hash);

  /** Deletes tokens that expired before {@code before}; returns how many. */
  int purgeExpired(java.time.Instant before);
}
