package dev.keycard.core.csrf;

import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Anti-CSRF tokens bound to a login session: {@code keyId.mac}, the MAC being HMAC-SHA256 of the
 * session id under a key derived from a URL-signing key. A page reads it from a JSON answer and sends
 * it back in a header; a page on another origin can neither read it nor compute it.
 *
 * <p>Why the URL-signing keys: every instance already shares them through the store and reloads
 * them on rotation, so a token issued by one instance is accepted by all, with no new secret to
 * distribute. A separate key is derived from each ({@code HMAC(urlKey, "keycard csrf v1")}) so no
 * MAC made for one purpose is ever valid for the other. After a rotation a token keeps working for
 * as long as its key still verifies URLs; after that the page fetches a new one.
 *
 * <p>Why bound to the session id rather than random and stored: nothing is written or read per
 * request, and the session id never reaches the page's script (it lives in the HttpOnly access
 * cookie's token); knowing a session id (an operator does) is still not enough without the key.
 *
 * @see <a href="https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended">OWASP: signed, session-bound tokens</a>
 */
public final class CsrfTokens {
  private static final String HMAC = "HmacSHA256";
  private static final byte[] PURPOSE = "keycard csrf v1".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  /** Longer than any token this class issues (a key id of at most 64 characters, a dot, 43 characters of MAC). */
  private static final int MAX_LENGTH = 128;

  private final Supplier<UrlSigningKeys> keys;

  /** @param keys the URL-signing keys in use now, read at every call (a rotation swaps them) */
  public CsrfTokens(Supplier<UrlSigningKeys> keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The token of {@code sessionId}, under the current key. */
  public String issue(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    UrlSigningKey key = keys.get().current();
    return key.keyId() + "." + B64.encodeToString(mac(key, sessionId));
  }

  /**
   * Whether {@code presented} is the token of {@code sessionId} under any key that still verifies.
   * Anything malformed, absent or made for another session is {@code false}; the MAC is compared in
   * constant time.
   */
  public boolean matches(String sessionId, String presented) {
    if (sessionId == null || presented == null || presented.length() > MAX_LENGTH) {
      return false;
    }
    int dot = presented.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    String keyId = presented.substring(0, dot);
    byte[] claimed;
    try {
      claimed = Base64.getUrlDecoder().decode(presented.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (UrlSigningKey key : keys.get().keys()) {
      if (key.keyId().equals(keyId)) {
        return MessageDigest.isEqual(mac(key, sessionId), claimed);
      }
    }
    return false;
  }

  private static byte[] mac(UrlSigningKey key, String sessionId) {
    try {
      Mac derive = Mac.getInstance(HMAC);
      derive.init(new SecretKeySpec(key.secret(), HMAC));
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(derive.doFinal(PURPOSE), HMAC));
      return mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
