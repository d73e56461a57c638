package dev.keycard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.AuthFixture;
import dev.keycard.core.token.Rejection;
import dev.keycard.core.token.Verification;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorizationServerTest {
  private final AuthFixture f = new AuthFixture();
  private final AuthorizationServer server = f.server;

  @BeforeEach
  void users() {
    f.addUser("alice", "wonderland-42", "profile stream:watch");
  }

  private TokenGrant login() {
    return ((GrantResult.Granted) server.login("alice", "wonderland-42", null)).grant();
  }

  @Test
  void loginIssuesAccessAndRefreshTokens() {
    TokenGrant grant = login();

    assertThat(grant.refreshToken()).startsWith("kcr_");
    assertThat(grant.expiresInSeconds()).isEqualTo(900);
    assertThat(grant.scopes()).containsExactlyInAnyOrder("profile", "stream:watch");
    assertThat(f.verifier.verify(grant.access().value())).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    GrantResult wrongPassword = server.login("alice", "nope", null);
    GrantResult unknownUser = server.login("mallory", "nope", null);

    assertThat(wrongPassword).isEqualTo(unknownUser).isEqualTo(new GrantResult.Failed(OAuthError.invalidCredentials()));
  }

  @Test
  void loginCanNarrowScopesButNotWidenThem() {
    assertThat(((GrantResult.Granted) server.login("alice", "wonderland-42", "profile")).grant().scopes())
        .containsExactly("profile");
    assertThat(server.login("alice", "wonderland-42", "admin"))
        .isEqualTo(new GrantResult.Failed(OAuthError.invalidScope()));
  }

  @Test
  void refreshRotatesAndIssuesAccessTokenForSameSession() {
    TokenGrant first = login();

    TokenGrant second = ((GrantResult.Granted) server.refresh(ClientAuthentication.NONE, first.refreshToken(), null)).grant();

    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(second.access().claims().sessionId()).isEqualTo(first.access().claims().sessionId());
  }

  /** Issue 6: the token used to be rotated before the scope was checked, so the retry counted as reuse. */
  @Test
  void refreshAskingForAScopeTheSessionLacksIsRefusedWithoutSpendingTheToken() {
    TokenGrant first = login();

    GrantResult tooWide = server.refresh(ClientAuthentication.NONE, first.refreshToken(), "profile admin");
    GrantResult retry = server.refresh(ClientAuthentication.NONE, first.refreshToken(), null);

    assertThat(tooWide).isEqualTo(new GrantResult.Failed(OAuthError.invalidScope()));
    assertThat(retry).isInstanceOf(GrantResult.Granted.class);
    assertThat(f.verifier.verify(first.access().value())).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void refreshWithAnUnknownTokenRevokesNothing() {
    assertThat(server.refresh(ClientAuthentication.NONE, "kcr_unknown", null))
        .isInstanceOfSatisfying(GrantResult.Failed.class, failed -> assertThat(failed.revokedFamily()).isNull());
  }

  @Test
  void refreshWithAMalformedScopeIsRefusedWithoutSpendingTheToken() {
    TokenGrant first = login();

    assertThat(server.refresh(ClientAuthentication.NONE, first.refreshToken(), "profile \"quoted\""))
        .isEqualTo(new GrantResult.Failed(OAuthError.invalidScope()));
    assertThat(server.refresh(ClientAuthentication.NONE, first.refreshToken(), "profile"))
        .isInstanceOfSatisfying(GrantResult.Granted.class, g -> assertThat(g.grant().scopes()).containsExactly("profile"));
  }

  @Test
  void refreshTokenReuseRevokesTheFamilysAccessTokens() {
    TokenGrant first = login();
    TokenGrant second = ((GrantResult.Granted) server.refresh(ClientAuthentication.NONE, first.refreshToken(), null)).grant();

    GrantResult replay = server.refresh(ClientAuthentication.NONE, first.refreshToken(), null);

    assertThat(replay).isInstanceOfSatisfying(GrantResult.Failed.class, failed -> {
      assertThat(failed.error().error()).isEqualTo("invalid_grant");
      // The revoked session, for the web adapter to audit and count; the client sees only the error.
      assertThat(failed.revokedFamily().id()).isEqualTo(first.access().claims().sessionId());
    });
    assertThat(f.verifier.verify(first.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
    assertThat(f.verifier.verify(second.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
    assertThat(server.refresh(ClientAuthentication.NONE, second.refreshToken(), null)).isInstanceOf(GrantResult.Failed.class);
  }

  @Test
  void logoutRevokesAccessTokenAndRefreshFamily() {
    TokenGrant grant = login();

    server.logout(((Verification.Verified) f.verifier.verify(grant.access().value())).token());

    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
    assertThat(server.refresh(ClientAuthentication.NONE, grant.refreshToken(), null)).isInstanceOf(GrantResult.Failed.class);
  }

  @Test
  void clientCredentialsRequiresTheRightSecret() {
    String secret = f.addClient("encoder", "stream:publish");

    assertThat(server.clientCredentials(new ClientAuthentication("encoder", secret), null))
        .isInstanceOfSatisfying(GrantResult.Granted.class, g -> {
          assertThat(g.grant().refreshToken()).isNull();
          assertThat(g.grant().access().claims().subject()).isEqualTo("encoder");
        });
    assertThat(server.clientCredentials(new ClientAuthentication("encoder", secret + "x"), null))
        .isEqualTo(new GrantResult.Failed(OAuthError.invalidClient()));
    assertThat(server.clientCredentials(new ClientAuthentication("encoder", null), null))
        .isEqualTo(new GrantResult.Failed(OAuthError.invalidClient()));
    assertThat(server.clientCredentials(new ClientAuthentication("encoder", secret), "admin"))
        .isEqualTo(new GrantResult.Failed(OAuthError.invalidScope()));
  }

  @Test
  void introspectionReportsActiveAndInactiveTokens() {
    String secret = f.addClient("api", "");
    var api = new ClientAuthentication("api", secret);
    TokenGrant grant = login();

    var active = (IntrospectionResult.Introspected) server.introspect(api, grant.access().value(), null);
    assertThat(active.response()).containsEntry("active", true).containsEntry("sub", "alice")
        .containsEntry("client_id", "keycard").containsKey("exp");
    var refresh = (IntrospectionResult.Introspected) server.introspect(api, grant.refreshToken(), "refresh_token");
    assertThat(refresh.response()).containsEntry("active", true).containsEntry("token_type", "refresh_token");

    f.clock.advance(Duration.ofMinutes(16));
    var expired = (IntrospectionResult.Introspected) server.introspect(api, grant.access().value(), null);
    assertThat(expired.response()).containsExactlyEntriesOf(java.util.Map.of("active", false));
  }

  @Test
  void introspectionRequiresClientAuthentication() {
    assertThat(server.introspect(ClientAuthentication.NONE, login().access().value(), null))
        .isEqualTo(new IntrospectionResult.Failed(OAuthError.invalidClient()));
  }

  @Test
  void revokingRefreshTokenEndsTheSession() {
    TokenGrant grant = login();

    assertThat(server.revoke(ClientAuthentication.NONE, grant.refreshToken(), "refresh_token"))
        .isEqualTo(new RevocationResult.Done(grant.access().claims().subject(), grant.access().claims().sessionId(), null));
    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  /** What the audit trail names: the token by its jti, never its value. */
  @Test
  void revokingAccessTokenSaysWhichTokenWasRevoked() {
    TokenGrant grant = login();

    RevocationResult result = server.revoke(ClientAuthentication.NONE, grant.access().value(), "access_token");

    assertThat(result).isEqualTo(new RevocationResult.Done(grant.access().claims().subject(),
        grant.access().claims().sessionId(), grant.access().claims().tokenId()));
  }

  @Test
  void revokingAnotherClientsTokenSaysNothingWasRevoked() {
    String secret = f.addClient("other", "");
    TokenGrant grant = login();

    RevocationResult result = server.revoke(new ClientAuthentication("other", secret), grant.refreshToken(), null);

    assertThat(result).isEqualTo(new RevocationResult.Done());
    assertThat(((RevocationResult.Done) result).revokedSomething()).isFalse();
  }

  @Test
  void revokingAccessTokenDenylistsOnlyThatToken() {
    TokenGrant grant = login();

    server.revoke(ClientAuthentication.NONE, grant.access().value(), "access_token");

    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
    assertThat(server.refresh(ClientAuthentication.NONE, grant.refreshToken(), null)).isInstanceOf(GrantResult.Granted.class);
  }

  /** RFC 7009 §2.1: a hint that does not match must not stop the search. */
  @Test
  void revokingAccessTokenWithTheRefreshTokenHintStillRevokesIt() {
    TokenGrant grant = login();

    server.revoke(ClientAuthentication.NONE, grant.access().value(), "refresh_token");

    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void revokingRefreshTokenWithTheAccessTokenHintStillEndsTheSession() {
    TokenGrant grant = login();

    server.revoke(ClientAuthentication.NONE, grant.refreshToken(), "access_token");

    assertThat(server.refresh(ClientAuthentication.NONE, grant.refreshToken(), null)).isInstanceOf(GrantResult.Failed.class);
    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void revokingWithAnUnknownHintSearchesEveryTokenType() {
    TokenGrant grant = login();

    server.revoke(ClientAuthentication.NONE, grant.access().value(), "id_token");

    assertThat(f.verifier.verify(grant.access().value())).isEqualTo(Verification.rejected(Rejection.REVOKED));
  }

  @Test
  void revokingUnknownTokenStillAnswersDone() {
    assertThat(server.revoke(ClientAuthentication.NONE, "kcr_unknown", null)).isEqualTo(new RevocationResult.Done());
    assertThat(server.revoke(ClientAuthentication.NONE, "garbage", null)).isEqualTo(new RevocationResult.Done());
  }

  @Test
  void anotherClientCannotRevokeAUsersSession() {
    String secret = f.addClient("other", "");
    TokenGrant grant = login();

    server.revoke(new ClientAuthentication("other", secret), grant.refreshToken(), null);

    assertThat(f.verifier.verify(grant.access().value())).isInstanceOf(Verification.Verified.class);
  }
}
