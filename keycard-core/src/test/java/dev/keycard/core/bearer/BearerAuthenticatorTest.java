package dev.keycard.core.bearer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Verification;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RFC 6750 §3 answers, status by status. */
class BearerAuthenticatorTest {
  private static final AccessToken TOKEN = new AccessToken("alice", Set.of("profile"), "keycard", "iss",
      List.of("aud"), "jti", null, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH.plusSeconds(900));
  private final BearerAuthenticator authenticator = new BearerAuthenticator(
      token -> token.equals("good") ? new Verification.Verified(TOKEN) : Rejection.EXPIRED.asVerification());

  @Test
  void noCredentialsIs401WithoutErrorCode() {
    var outcome = (BearerAuthenticator.Refused) authenticator.authenticate(List.of(), null);
    assertThat(outcome.error().status()).isEqualTo(401);
    assertThat(outcome.error().code()).isNull();
    assertThat(outcome.error().wwwAuthenticate("keycard")).isEqualTo("Bearer realm=\"keycard\"");
  }

  @Test
  void malformedHeaderIs400InvalidRequest() {
    var outcome = (BearerAuthenticator.Refused) authenticator.authenticate(List.of("Bearer a b"), null);
    assertThat(outcome.error().status()).isEqualTo(400);
    assertThat(outcome.error().code()).isEqualTo("invalid_request");
  }

  @Test
  void badTokenIs401InvalidTokenWithDescription() {
    var outcome = (BearerAuthenticator.Refused) authenticator.authenticate(List.of("Bearer bad"), null);
    assertThat(outcome.error().status()).isEqualTo(401);
    assertThat(outcome.error().wwwAuthenticate("keycard"))
        .isEqualTo("Bearer realm=\"keycard\", error=\"invalid_token\", error_description=\"The access token expired\"");
  }

  @Test
  void missingScopeIs403InsufficientScopeNamingTheScope() {
    var outcome = (BearerAuthenticator.Refused) authenticator.authenticate(List.of("Bearer good"), "stream:publish");
    assertThat(outcome.error().status()).isEqualTo(403);
    assertThat(outcome.error().wwwAuthenticate("keycard")).isEqualTo("Bearer realm=\"keycard\", error=\"insufficient_scope\","
        + " error_description=\"The access token lacks the required scope\", scope=\"stream:publish\"");
  }

  @Test
  void validTokenWithScopeIsAuthorized() {
    assertThat(authenticator.authenticate(List.of("Bearer good"), "profile"))
        .isEqualTo(new BearerAuthenticator.Authorized(TOKEN));
  }

  @Test
  void everyRejectionDescriptionIsSafeForAQuotedString() {
    for (Rejection r : Rejection.values()) {
      // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E.
      assertThat(r.description()).matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    }
  }

  @Test
  void cachedAuthorizationValueIsStillRefusedOnceRevoked() {
    var clock = dev.keycard.core.testing.MutableClock.atFixedStart();
    var denylist = new dev.keycard.core.revocation.InMemoryDenylist(clock);
    var token = new AccessToken("alice", Set.of("profile"), "keycard", "iss", List.of("aud"), "jti-9", "sid-9",
        clock.instant(), clock.instant(), clock.instant().plusSeconds(900));
    var calls = new java.util.concurrent.atomic.AtomicInteger();
    var cached = new BearerAuthenticator(t -> {
      calls.incrementAndGet();
      return new Verification.Verified(token);
    }, new dev.keycard.core.token.VerifiedTokenCache(
        new dev.keycard.core.token.TokenValidity(clock, java.time.Duration.ofSeconds(30), denylist), 100));

    assertThat(cached.authenticate(List.of("Bearer abc"), null)).isInstanceOf(BearerAuthenticator.Authorized.class);
    assertThat(cached.authenticate(List.of("Bearer abc"), null)).isInstanceOf(BearerAuthenticator.Authorized.class);
    assertThat(calls).hasValue(1);
    assertThat(cached.authenticate(List.of("Bearer abc"), "stream:publish")).isInstanceOf(BearerAuthenticator.Refused.class);

    denylist.revoke("sid-9", clock.instant().plusSeconds(1000));
    var refused = (BearerAuthenticator.Refused) cached.authenticate(List.of("Bearer abc"), null);
    assertThat(refused.error().description()).isEqualTo(Rejection.REVOKED.description());
  }
}
