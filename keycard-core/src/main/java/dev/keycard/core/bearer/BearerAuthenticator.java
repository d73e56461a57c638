package dev.keycard.core.bearer;

import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.Verification;
import dev.keycard.core.token.VerifiedTokenCache;
import java.util.List;

/**
 * The resource server's whole decision for one request: read the credentials, verify the token,
 * check the scope. Framework-free; a web adapter passes header values in and writes the
 * {@link BearerError} out.
 */
public final class BearerAuthenticator {
  /** The request may proceed, or it is refused with an RFC 6750 error. */
  public sealed interface Outcome {}

  public record Authorized(AccessToken token) implements Outcome {}

  /**
   * @param token the verified token when the refusal came after verification (a missing scope), else
   *              {@code null}: such a request still spends the token's rate-limit budget
   */
  public record Refused(BearerError error, AccessToken token) implements Outcome {
    public Refused(BearerError error) {
      this(error, null);
    }
  }

  private static final Refused MISSING = new Refused(BearerError.missing());

  private final AccessTokenVerifier verifier;
  private final VerifiedTokenCache cache;

  /** An authenticator that verifies every token in full. */
  public BearerAuthenticator(AccessTokenVerifier verifier) {
    this(verifier, null);
  }

  /**
   * @param cache remembers verified tokens by their whole {@code Authorization} value, so a repeated
   *              token skips parsing as well as the signature; {@code null} for none
   */
  public BearerAuthenticator(AccessTokenVerifier verifier, VerifiedTokenCache cache) {
    this.verifier = verifier;
    this.cache = cache;
  }

  /**
   * @param authorizationValues every {@code Authorization} header value of the request
   * @param requiredScope       a scope the token must hold, or {@code null} for any valid token
   */
  public Outcome authenticate(List<String> authorizationValues, String requiredScope) {
    if (cache != null && authorizationValues != null && authorizationValues.size() == 1) {
      // Only ever a string that parsed and verified before, so the syntax check can be skipped too.
      Verification hit = cache.lookup(authorizationValues.get(0));
      if (hit != null) {
        return decide(hit, requiredScope);
      }
    }
    return switch (BearerCredentials.parse(authorizationValues)) {
      case BearerCredentials.Absent a -> MISSING;
      case BearerCredentials.Malformed m -> new Refused(BearerError.invalidRequest(m.description()));
      case BearerCredentials.Present p -> {
        Verification v = verifier.verify(p.token());
        if (cache != null && v instanceof Verification.Verified ok) {
          cache.remember(authorizationValues.get(0), ok);
        }
        yield decide(v, requiredScope);
      }
    };
  }

  /** Checks a token already taken from the request (for instance from a form body). */
  public Outcome check(String token, String requiredScope) {
    return decide(verifier.verify(token), requiredScope);
  }

  /** The outcome for a token verified (or not) elsewhere: refused with its reason, or checked for the scope. */
  public static Outcome decide(Verification verification, String requiredScope) {
    return switch (verification) {
      case Verification.Rejected r -> new Refused(BearerError.invalidToken(r.reason()));
      case Verification.Verified v -> requiredScope == null || v.token().hasScope(requiredScope)
          ? new Authorized(v.token())
          : new Refused(BearerError.insufficientScope(requiredScope), v.token());
    };
  }
}
