package dev.keycard.core.signedurl;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An immutable set of URL signing keys: the current one signs, every one verifies, so a URL signed
 * just before a rotation keeps working until it expires. Rotating builds a new set (and the server
 * swaps in new signer and verifier objects built from it); nothing here ever changes.
 *
 * <p>Each thread keeps one initialised {@link Mac} per key and one canonical-string buffer, so
 * verifying on an event loop allocates neither a {@code Mac} nor key material per request. (A set
 * that is dropped after a rotation leaves its per-thread state to the thread's map, which clears
 * stale entries lazily: a few hundred bytes per event-loop thread per rotation.)
 */
public final class UrlSigningKeys {
  static final String HMAC = "HmacSHA256";

  private final UrlSigningKey current;
  private final List<UrlSigningKey> keys;
  private final Map<String, Integer> indexById;
  private final ThreadLocal<PerThread> perThread;

  private UrlSigningKeys(UrlSigningKey current, List<UrlSigningKey> keys) {
    this.current = current;
    this.keys = List.copyOf(keys);
    Map<String, Integer> ids = new HashMap<>();
    SecretKeySpec[] specs = new SecretKeySpec[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      UrlSigningKey k = keys.get(i);
      if (ids.put(k.keyId(), i) != null) {
        throw new IllegalArgumentException("duplicate key id " + k.keyId());
      }
      specs[i] = new SecretKeySpec(k.secretBytes(), HMAC);
    }
    this.indexById = Map.copyOf(ids);
    // Fail at build time, not on the first request, if the JDK lacks HmacSHA256 or refuses a key.
    newMacs(specs);
    this.perThread = ThreadLocal.withInitial(() -> new PerThread(newMacs(specs)));
  }

  /** A set whose {@code current} key signs and whose {@code previous} keys still verify. */
  public static UrlSigningKeys of(UrlSigningKey current, UrlSigningKey... previous) {
    List<UrlSigningKey> all = new ArrayList<>();
    all.add(current);
    all.addAll(List.of(previous));
    return new UrlSigningKeys(current, all);
  }

  /** A new set where {@code next} signs and every key of this set still verifies. */
  public UrlSigningKeys rotateTo(UrlSigningKey next) {
    List<UrlSigningKey> all = new ArrayList<>();
    all.add(next);
    all.addAll(keys);
    return new UrlSigningKeys(next, all);
  }

  /** A new set without {@code keyId}; call it once every URL that key signed has expired. */
  public UrlSigningKeys retire(String keyId) {
    if (current.keyId().equals(keyId)) {
      throw new IllegalArgumentException("the current key cannot be retired; rotate first");
    }
    List<UrlSigningKey> rest = keys.stream().filter(k -> !k.keyId().equals(keyId)).toList();
    if (rest.size() == keys.size()) {
      throw new IllegalArgumentException("no key " + keyId + " in this set");
    }
    return new UrlSigningKeys(current, rest);
  }

  public UrlSigningKey current() {
    return current;
  }

  /** Every key that verifies, the current one first. */
  public List<UrlSigningKey> keys() {
    return keys;
  }

  @Override
  public String toString() {
    return "UrlSigningKeys[current=" + current.keyId() + ", keys=" + indexById.keySet() + "]";
  }

  /** The position of the key, or -1 when the set has no such key. */
  int indexOf(String keyId) {
    Integer i = indexById.get(keyId);
    return i == null ? -1 : i;
  }

  int currentIndex() {
    return 0;
  }

  /** This thread's canonical-string buffer, emptied and started with {@code label}. */
  CanonicalString canonical(String label) {
    return perThread.get().canonical.start(label);
  }

  /** The HMAC-SHA256 of {@code s} under key {@code index}, on this thread's {@code Mac}. */
  byte[] mac(int index, CanonicalString s) {
    return s.macWith(perThread.get().macs[index]);
  }

  private static Mac[] newMacs(SecretKeySpec[] specs) {
    Mac[] macs = new Mac[specs.length];
    try {
      for (int i = 0; i < specs.length; i++) {
        macs[i] = Mac.getInstance(HMAC);
        macs[i].init(specs[i]);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
    return macs;
  }

  private static final class PerThread {
    final Mac[] macs;
    final CanonicalString canonical = new CanonicalString();

    PerThread(Mac[] macs) {
      this.macs = macs;
    }
  }
}
