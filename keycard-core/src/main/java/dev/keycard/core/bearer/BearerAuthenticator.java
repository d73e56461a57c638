package dev.keycard.core.bearer;

import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.Verification;
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

  public record Refused(BearerError error) implements Outcome {}

  private static final Refused MISSING = new Refused(BearerError.missing());

  private final AccessTokenVerifier verifier;

  public BearerAuthenticator(AccessTokenVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * @param authorizationValues every {@code Authorization} header value of the request
   * @param requiredScope       a scope the token must hold, or {@code null} for any valid token
   */
  public Outcome authenticate(List<String> authorizationValues, String requiredScope) {
    return switch (BearerCredentials.parse(authorizationValues)) {
      case BearerCredentials.Absent a -> MISSING;
      case BearerCredentials.Malformed m -> new Refused(BearerError.invalidRequest(m.description()));
      case BearerCredentials.Present p -> check(p.token(), requiredScope);
    };
  }

  /** Checks a token already taken from the request. */
  public Outcome check(String token, String requiredScope) {
    return switch (verifier.verify(token)) {
      case Verification.Rejected r -> new Refused(BearerError.invalidToken(r.reason()));
      case Verification.Verified v -> requiredScope == null || v.token().hasScope(requiredScope)
          ? new Authorized(v.token())
          : new Refused(BearerError.insufficientScope(requiredScope));
    };
  }
}
