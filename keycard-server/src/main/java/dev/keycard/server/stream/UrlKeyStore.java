package dev.keycard.server.stream;

import dev.keycard.core.signedurl.UrlSigningKey;
import java.time.Instant;
import java.util.List;

/** Where the keys of signed playback URLs are kept between restarts. */
public interface UrlKeyStore {
  /** Every stored key, newest first. */
  List<UrlSigningKey> newestFirst();

  void add(UrlSigningKey key, Instant createdAt);
}
