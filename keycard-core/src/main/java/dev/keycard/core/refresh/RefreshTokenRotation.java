package dev.keycard.core.refresh;

import dev.keycard.core.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2, OAuth 2.0 Security BCP). Every use
 * exchanges the token for a new one; presenting a token that was already exchanged revokes its whole
 * family. Tokens die when idle too long (not exchanged within the idle lifetime) and, whatever
 * happens, at the family's absolute lifetime.
 *
 * <p>A token's successor is not random but derived: HMAC-SHA256, under a secret key kept in the
 * store, of the token itself. Only the first token of a family is random (256 bits). This makes a
 * retry idempotent without ever storing a token: a client that lost the response (a dropped
 * connection, a server killed after its commit) and presents the same token again within the grace
 * window (at most 60 s) gets the very same successor again, however many such retries race each
 * other, and nothing is written. The retry is honoured only while the successor has not been used
 * itself; anything else is reuse.
 *
 * <p>What this gives someone who replays a stolen, already-exchanged token inside the window: the
 * same successor the legitimate client already holds (and, from the authorization server, a new
 * access token of the same session), never a refresh token the client does not know about. From
 * then on both hold one token, and whichever of them uses it second, once that token's own window
 * has passed, is reuse and ends the session. With a grace window of zero, any second presentation,
 * even a concurrent one, is reuse.
 *
 * <p>All methods block on the store: call them off the event loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
public final class RefreshTokenRotation {
  public static final String PREFIX = "kcr_";
  public static final Duration MAX_GRACE = Duration.ofSeconds(60);
  private static final String HMAC = "HmacSHA256";
  private static final int KEY_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final RefreshTokenStore store;
  private final Secrets secrets;
  private final InstantSource clock;
  private final Duration idleLifetime;
  private final Duration absoluteLifetime;
  private final Duration grace;
  private final SecretKeySpec successorKey;

  /**
   * Reads the successor key from the store, creating it there on first use (blocking).
   *
   * @param grace how long after a rotation a retry with the previous token still gets its successor; 0 to 60 s
   */
  public RefreshTokenRotation(RefreshTokenStore store, Secrets secrets, InstantSource clock,
      Duration idleLifetime, Duration absoluteLifetime, Duration grace) {
    if (idleLifetime.isNegative() || idleLifetime.isZero() || absoluteLifetime.compareTo(idleLifetime) < 0) {
      throw new IllegalArgumentException("refresh lifetimes must satisfy 0 < idle <= absolute");
    }
    if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException("refresh grace window must be between 0 and 60 seconds");
    }
    this.store = store;
    this.secrets = secrets;
    this.clock = clock;
    this.idleLifetime = idleLifetime;
    this.absoluteLifetime = absoluteLifetime;
    this.grace = grace;
    byte[] candidate = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(candidate);
    byte[] key = store.successorKey(candidate, clock.instant());
    if (key == null || key.length < KEY_BYTES) {
      throw new IllegalStateException("the refresh-token store holds no usable successor key");
    }
    this.successorKey = new SecretKeySpec(key, HMAC);
  }

  /** Starts a new family (a login) and returns its first token. */
  public IssuedRefreshToken start(String subject, String clientId, Set<String> scopes) {
    Instant now = clock.instant();
    RefreshTokenFamily family = new RefreshTokenFamily(secrets.newId(), subject, clientId, scopes, now,
        now.plus(absoluteLifetime), null);
    String value = secrets.newToken(PREFIX, 32);
    store.createFamily(family, RefreshTokenRecord.active(Secrets.hash(value), family.id(), now, idleExpiry(family, now)));
    return new IssuedRefreshToken(value, family);
  }

  /** {@link #rotate(String, String, Set)} asking for no particular scope. */
  public Rotation rotate(String presented, String clientId) {
    return rotate(presented, clientId, Set.of());
  }

  /**
   * Exchanges {@code presented} for its successor.
   *
   * @param clientId        the authenticated (or, for public clients, stated) client; must be the family's
   * @param requestedScopes the scopes the caller wants this time (empty: all of the family's); asking
   *                        for one the family lacks is refused <em>before</em> the token is spent, so
   *                        the client can retry without it
   */
  public Rotation rotate(String presented, String clientId, Set<String> requestedScopes) {
    if (!wellFormed(presented)) {
      return new Rotation.Refused(RefreshRefusal.UNKNOWN);
    }
    String hash = Secrets.hash(presented);
    Optional<TokenInFamily> found = store.findTokenInFamily(hash);
    if (found.isEmpty()) {
      return new Rotation.Refused(RefreshRefusal.UNKNOWN);
    }
    RefreshTokenRecord record = found.get().token();
    RefreshTokenFamily family = found.get().family();
    if (!family.clientId().equals(clientId)) {
      // Reported before reuse is checked: another client's token says nothing about this family's holder.
      return new Rotation.Refused(RefreshRefusal.WRONG_CLIENT);
    }
    if (family.revoked() || record.state() == RefreshTokenRecord.State.REVOKED) {
      return new Rotation.Refused(RefreshRefusal.REVOKED);
    }
    Instant now = clock.instant();
    if (!now.isBefore(family.absoluteExpiresAt())) {
      return new Rotation.Refused(RefreshRefusal.EXPIRED);
    }
    String next = successorOf(presented);
    if (record.state() == RefreshTokenRecord.State.ACTIVE) {
      if (!now.isBefore(record.expiresAt())) {
        return new Rotation.Refused(RefreshRefusal.EXPIRED);
      }
      if (!family.scopes().containsAll(requestedScopes)) {
        return new Rotation.Refused(RefreshRefusal.SCOPE_NOT_GRANTED);
      }
      if (store.rotate(hash, RefreshTokenRecord.active(Secrets.hash(next), family.id(), now, idleExpiry(family, now)), now)) {
        return new Rotation.Rotated(new IssuedRefreshToken(next, family));
      }
      // A concurrent call exchanged it first: from here on this presentation is a second use.
      record = store.findToken(hash).orElse(record);
    }
    if (isRetryInsideGrace(record, next, now)) {
      // Nothing is written: every retry inside the window gets the same successor, still unused.
      return family.scopes().containsAll(requestedScopes)
          ? new Rotation.Rotated(new IssuedRefreshToken(next, family))
          : new Rotation.Refused(RefreshRefusal.SCOPE_NOT_GRANTED);
    }
    // Reuse, whatever scope was asked: a replayed token is the signal, and it ends the session.
    store.revokeFamily(family.id(), now);
    return new Rotation.ReuseDetected(family);
  }

  /**
   * Whether {@code record} was exchanged less than the grace window ago for {@code next}, and
   * {@code next} is still unused: the retry of a client that lost the response.
   */
  private boolean isRetryInsideGrace(RefreshTokenRecord record, String next, Instant now) {
    if (grace.isZero() || record.state() != RefreshTokenRecord.State.ROTATED || record.rotatedAt() == null
        || record.successorHash() == null || !now.isBefore(record.rotatedAt().plus(grace))) {
      return false;
    }
    String nextHash = Secrets.hash(next);
    if (!MessageDigest.isEqual(nextHash.getBytes(StandardCharsets.US_ASCII),
        record.successorHash().getBytes(StandardCharsets.US_ASCII))) {
      return false; // rotated under another key: its successor cannot be given again
    }
    return store.findToken(nextHash)
        .filter(s -> s.state() == RefreshTokenRecord.State.ACTIVE && now.isBefore(s.expiresAt()))
        .isPresent();
  }

  /** The family of {@code presented}, whatever the token's state, when the token is known. */
  public Optional<RefreshTokenFamily> familyOf(String presented) {
    if (!wellFormed(presented)) {
      return Optional.empty();
    }
    return store.findTokenInFamily(Secrets.hash(presented)).map(TokenInFamily::family);
  }

  /** Revokes a family by id; {@code true} when this call revoked it. */
  public boolean revokeFamily(String familyId) {
    return store.revokeFamily(familyId, clock.instant());
  }

  /**
   * The family of a token that could be exchanged right now, for RFC 7662 introspection: empty when
   * the token is unknown, already exchanged, revoked or expired.
   */
  public Optional<RefreshTokenFamily> activeFamily(String presented) {
    if (!wellFormed(presented)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return store.findTokenInFamily(Secrets.hash(presented))
        .filter(found -> found.token().state() == RefreshTokenRecord.State.ACTIVE
            && now.isBefore(found.token().expiresAt()))
        .map(TokenInFamily::family)
        .filter(f -> !f.revoked() && now.isBefore(f.absoluteExpiresAt()));
  }

  public static boolean looksLikeRefreshToken(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  private static boolean wellFormed(String presented) {
    return presented != null && presented.length() <= 128 && presented.startsWith(PREFIX);
  }

  private Instant idleExpiry(RefreshTokenFamily family, Instant now) {
    Instant idle = now.plus(idleLifetime);
    return idle.isBefore(family.absoluteExpiresAt()) ? idle : family.absoluteExpiresAt();
  }

  /** {@code kcr_} + base64url HMAC-SHA256(successor key, presented): 256 bits nobody can derive without the key. */
  private String successorOf(String presented) {
    try {
      Mac mac = Mac.getInstance(HMAC); // not thread-safe, and the refresh path signs a JWT anyway: one per call
      mac.init(successorKey);
      return PREFIX + B64.encodeToString(mac.doFinal(presented.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
