package dev.keycard.core.opaque;

import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Verification;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Checks an opaque access token by looking up its hash. The lookup may block (a database), so this
 * runs off the event loop; a {@link dev.keycard.core.token.VerifiedTokenCache} in front (as the bearer
 * check has) keeps repeated tokens cheap.
 */
public final class OpaqueAccessTokenVerifier implements AccessTokenVerifier {
  private static final int MAX_LENGTH = 128;

  private final OpaqueTokenStore store;
  private final Denylist denylist;
  private final InstantSource clock;
  private final String audience;

  public OpaqueAccessTokenVerifier(OpaqueTokenStore store, Denylist denylist, InstantSource clock, String audience) {
    this.store = store;
    this.denylist = denylist;
    this.clock = clock;
    this.audience = audience;
  }

  @Override
  public Verification verify(String token) {
    if (token == null || token.length() > MAX_LENGTH) {
      return (token == null ? Rejection.MALFORMED : Rejection.TOO_LARGE).asVerification();
    }
    if (!token.startsWith(OpaqueAccessTokenIssuer.PREFIX)) {
      return Rejection.MALFORMED.asVerification();
    }
    Optional<AccessToken> found = store.find(Secrets.hash(token));
    if (found.isEmpty()) {
      return Rejection.UNKNOWN_TOKEN.asVerification();
    }
    AccessToken t = found.get();
    if (!clock.instant().isBefore(t.expiresAt())) {
      return Rejection.EXPIRED.asVerification();
    }
    if (!t.audience().contains(audience)) {
      return Rejection.WRONG_AUDIENCE.asVerification();
    }
    if (denylist.isRevoked(t.tokenId()) || (t.sessionId() != null && denylist.isRevoked(t.sessionId()))) {
      return Rejection.REVOKED.asVerification();
    }
    return new Verification.Verified(t);
  }
}
