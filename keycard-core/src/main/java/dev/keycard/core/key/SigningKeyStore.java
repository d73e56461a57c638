package dev.keycard.core.key;

import java.time.Instant;
import java.util.List;

/** Where signing keys (private parts included) are kept between restarts. */
public interface SigningKeyStore {
  /** Every stored key, retired ones included, in no particular order. */
  List<SigningKey> all();

  void add(SigningKey key);

  /** Marks the key as no longer signing; it stays for verification until {@link #delete}d. */
  void retire(String kid, Instant at);

  void delete(String kid);
}
