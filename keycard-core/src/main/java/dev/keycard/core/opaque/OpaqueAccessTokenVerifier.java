package dev.keycard.core.opaque;

import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an opaque access token by looking up its hash, then by {@link TokenValidity}, the rule JWTs
 * and the verified-token cache use too (so the clock skew applies to opaque tokens exactly as it does
 * to JWTs). The lookup may block (a database), so this runs off the event loop; a
 * {@link dev.keycard.core.token.VerifiedTokenCache} in front (as the bearer check has) keeps repeated
 * tokens cheap.
 */
public final class OpaqueAccessTokenVerifier implements AccessTokenVerifier {
  private static final int MAX_LENGTH = 128;

  private final OpaqueTokenStore store;
  private final TokenValidity validity;
  private final String audience;

  public OpaqueAccessTokenVerifier(OpaqueTokenStore store, TokenValidity validity, String audience) {
    this.store = Objects.requireNonNull(store, "store");
    this.validity = Objects.requireNonNull(validity, "validity");
    this.audience = Objects.requireNonNull(audience, "audience");
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
    if (!t.audience().contains(audience)) {
      return Rejection.WRONG_AUDIENCE.asVerification();
    }
    return validity.check(new Verification.Verified(t));
  }
}
