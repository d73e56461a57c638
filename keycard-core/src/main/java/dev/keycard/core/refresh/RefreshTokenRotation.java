package dev.keycard.core.refresh;

import dev.keycard.core.secret.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;

/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2, OAuth 2.0 Security BCP). Every use
 * exchanges the token for a new one; presenting a token that was already exchanged revokes its whole
 * family. Tokens die when idle too long (not exchanged within the idle lifetime) and, whatever
 * happens, at the family's absolute lifetime.
 *
 * <p>A grace window (default zero, at most 60 s) forgives one thing only: a client that lost the
 * response retries with the immediately previous token while its successor has not been used. It
 * then gets a fresh successor and the unused one dies; anything else is reuse.
 *
 * <p>All methods block on the store: call them off the event loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
public final class RefreshTokenRotation {
  public static final String PREFIX = "kcr_";
  public static final Duration MAX_GRACE = Duration.ofSeconds(60);

  private final RefreshTokenStore store;
  private final Secrets secrets;
  private final InstantSource clock;
  private final Duration idleLifetime;
  private final Duration absoluteLifetime;
  private final Duration grace;

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
  }

  /** Starts a new family (a login) and returns its first token. */
  public IssuedRefreshToken start(String subject, String clientId, Set<String> scopes) {
    Instant now = clock.instant();
    RefreshTokenFamily family = new RefreshTokenFamily(secrets.newId(), subject, clientId, scopes, now,
        now.plus(absoluteLifetime), null);
    String value = newValue();
    store.createFamily(family, RefreshTokenRecord.active(Secrets.hash(value), family.id(), now, idleExpiry(family, now)));
    return new IssuedRefreshToken(value, family);
  }

  /**
   * Exchanges {@code presented} for its successor.
   *
   * @param clientId the authenticated (or, for public clients, stated) client; must be the family's
   */
  public Rotation rotate(String presented, String clientId) {
    if (!wellFormed(presented)) {
      return new Rotation.Refused(RefreshRefusal.UNKNOWN);
    }
    String hash = Secrets.hash(presented);
    Optional<RefreshTokenRecord> found = store.findToken(hash);
    if (found.isEmpty()) {
      return new Rotation.Refused(RefreshRefusal.UNKNOWN);
    }
    RefreshTokenRecord record = found.get();
    RefreshTokenFamily family = store.findFamily(record.familyId()).orElse(null);
    if (family == null) {
      return new Rotation.Refused(RefreshRefusal.UNKNOWN);
    }
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
    if (record.state() == RefreshTokenRecord.State.ACTIVE) {
      if (!now.isBefore(record.expiresAt())) {
        return new Rotation.Refused(RefreshRefusal.EXPIRED);
      }
      String next = newValue();
      if (store.rotate(hash, RefreshTokenRecord.active(Secrets.hash(next), family.id(), now, idleExpiry(family, now)), now)) {
        return new Rotation.Rotated(new IssuedRefreshToken(next, family));
      }
      // A concurrent call exchanged it first: from here on this presentation is a second use.
      record = store.findToken(hash).orElse(record);
    }
    return secondUse(record, family, now);
  }

  private Rotation secondUse(RefreshTokenRecord record, RefreshTokenFamily family, Instant now) {
    if (!grace.isZero() && record.rotatedAt() != null && record.successorHash() != null
        && now.isBefore(record.rotatedAt().plus(grace))) {
      Optional<RefreshTokenRecord> successor = store.findToken(record.successorHash());
      if (successor.isPresent() && successor.get().state() == RefreshTokenRecord.State.ACTIVE) {
        String next = newValue();
        RefreshTokenRecord replacement = RefreshTokenRecord.active(Secrets.hash(next), family.id(), now,
            idleExpiry(family, now));
        if (store.rotate(successor.get().hash(), replacement, now)) {
          return new Rotation.Rotated(new IssuedRefreshToken(next, family));
        }
      }
    }
    store.revokeFamily(family.id(), now);
    return new Rotation.ReuseDetected(family);
  }

  /** The family of {@code presented}, whatever the token's state, when the token is known. */
  public Optional<RefreshTokenFamily> familyOf(String presented) {
    if (!wellFormed(presented)) {
      return Optional.empty();
    }
    return store.findToken(Secrets.hash(presented)).flatMap(r -> store.findFamily(r.familyId()));
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
    return store.findToken(Secrets.hash(presented))
        .filter(r -> r.state() == RefreshTokenRecord.State.ACTIVE && now.isBefore(r.expiresAt()))
        .flatMap(r -> store.findFamily(r.familyId()))
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

  private String newValue() {
    return secrets.newToken(PREFIX, 32);
  }
}
