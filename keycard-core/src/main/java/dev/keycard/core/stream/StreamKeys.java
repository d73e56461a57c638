package dev.keycard.core.stream;

import dev.keycard.core.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Issues, checks, revokes and rotates stream keys. A key is {@code kcsk_} and 256 random bits in
 * base64url (like {@code kcs_} client secrets and {@code kcr_} refresh tokens, so secret scanners can
 * tell them apart), shown once and stored as SHA-256 only. It opens exactly one stream, lives until
 * it is revoked, and a stream may have several live keys so a rotation can overlap: issue the new
 * key, switch the encoder, revoke the old one.
 *
 * <p>Everything but {@link #isWellFormed} reads or writes the store: call it from a worker thread.
 * Callers decide whether the stream exists; keys are only issued for streams the caller checked.
 */
public final class StreamKeys {
  public static final String PREFIX = "kcsk_";
  /** 256 bits: nothing to brute-force, so a plain SHA-256 is enough to store (see {@link Secrets}). */
  private static final int KEY_BYTES = 32;
  private static final Pattern SYNTAX = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
  /** 48 random bits in hex: short enough to type, and never starting with a dash a CLI would misread. */
  private static final int KEY_ID_BYTES = 6;
  private static final Pattern KEY_ID_SYNTAX = Pattern.compile("[0-9a-f]{12}");
  /** A rotation's overlap is for switching an encoder over, not a second key life. */
  public static final Duration MAX_OVERLAP = Duration.ofHours(24);

  private final StreamKeyStore store;
  private final Secrets secrets;
  private final SecureRandom random;
  private final InstantSource clock;

  public StreamKeys(StreamKeyStore store, SecureRandom random, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.random = Objects.requireNonNull(random, "random");
    this.secrets = new Secrets(random);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code presented} has the shape of a stream key; no I/O, safe on an event loop. */
  public static boolean isWellFormed(String presented) {
    return presented != null && SYNTAX.matcher(presented).matches();
  }

  /** Whether {@code keyId} has the shape of a key id (so it can be refused before any lookup). */
  public static boolean isKeyId(String keyId) {
    return keyId != null && KEY_ID_SYNTAX.matcher(keyId).matches();
  }

  /** Issues a new key for {@code streamId}; blocking. */
  public IssuedStreamKey issue(String streamId) {
    Objects.requireNonNull(streamId, "streamId");
    String secret = secrets.newToken(PREFIX, KEY_BYTES);
    for (int attempt = 1; ; attempt++) {
      StreamKey key = new StreamKey(newKeyId(), streamId, Secrets.hash(secret), clock.instant(), null);
      try {
        store.add(key);
        return new IssuedStreamKey(key, secret);
      } catch (IllegalStateException idTaken) {
        if (attempt == 3) { // 48-bit ids: a third collision in a row means something else is wrong
          throw idTaken;
        }
      }
    }
  }

  /**
   * Whether {@code presented} opens {@code streamId} now; blocking unless the key is malformed. The
   * store is searched by the key's SHA-256 (a lookup by a hash reveals nothing of the key through its
   * timing), and the hash found is compared again in constant time, whatever the store does.
   */
  public KeyCheck check(String streamId, String presented) {
    if (!isWellFormed(presented)) {
      return new KeyCheck.Invalid(KeyRefusal.MALFORMED);
    }
    String hash = Secrets.hash(presented);
    Optional<StreamKey> found = store.findByHash(hash);
    if (found.isEmpty() || !MessageDigest.isEqual(found.get().hash().getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII))) {
      return new KeyCheck.Invalid(KeyRefusal.UNKNOWN);
    }
    StreamKey key = found.get();
    if (!key.streamId().equals(streamId)) {
      return new KeyCheck.Invalid(KeyRefusal.OTHER_STREAM);
    }
    if (key.isRevokedAt(clock.instant())) {
      return new KeyCheck.Invalid(KeyRefusal.REVOKED);
    }
    return new KeyCheck.Valid(key);
  }

  /** The stream's keys, revoked ones included, oldest first; blocking. */
  public List<StreamKey> list(String streamId) {
    return store.list(streamId);
  }

  /**
   * Revokes a key now; blocking. Revoking a revoked key changes nothing and is not an error.
   *
   * @return the key as revoked; empty when the stream has no key with that id
   */
  public Optional<StreamKey> revoke(String streamId, String keyId) {
    if (!isKeyId(keyId)) {
      return Optional.empty();
    }
    return store.revoke(streamId, keyId, clock.instant());
  }

  /**
   * Issues a new key and revokes every other key of the stream, at once or after {@code overlap}
   * (while the encoder is switched to the new key); blocking.
   *
   * @throws IllegalArgumentException when the overlap is negative or longer than {@link #MAX_OVERLAP}
   */
  public RotatedStreamKey rotate(String streamId, Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw new IllegalArgumentException("the overlap must be between 0s and 24h");
    }
    IssuedStreamKey issued = issue(streamId);
    Instant retireAt = issued.key().createdAt().plus(overlap);
    List<StreamKey> retired = new ArrayList<>();
    for (StreamKey key : store.list(streamId)) {
      if (!key.keyId().equals(issued.key().keyId()) && (key.revokedAt() == null || key.revokedAt().isAfter(retireAt))) {
        store.revoke(streamId, key.keyId(), retireAt).ifPresent(retired::add);
      }
    }
    return new RotatedStreamKey(issued, retired);
  }

  private String newKeyId() {
    byte[] b = new byte[KEY_ID_BYTES];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
