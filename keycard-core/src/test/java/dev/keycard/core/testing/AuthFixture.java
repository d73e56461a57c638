package dev.keycard.core.testing;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.User;
import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.refresh.RefreshTokenRotation;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.JwtAccessTokenIssuer;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.Scopes;
import dev.keycard.core.token.TokenValidity;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/** A whole authorization server on in-memory stores, with a fast password hasher. */
public final class AuthFixture {
  public final MutableClock clock = MutableClock.atFixedStart();
  public final InMemoryDenylist denylist = new InMemoryDenylist(clock);
  public final InMemoryAccounts accounts = new InMemoryAccounts();
  public final InMemoryRefreshTokenStore refreshStore = new InMemoryRefreshTokenStore();
  public final Secrets secrets = new Secrets(new SecureRandom());
  public final PasswordHasher passwords = new PasswordHasher(new SecureRandom(), 1024, 1, 1);
  public final KeyRing ring = KeyRing.of(List.of(TestKeys.of(SigningAlgorithm.ES256)));
  public final TokenValidity validity = new TokenValidity(clock, Duration.ofSeconds(30), denylist);
  public final JwtAccessTokenVerifier verifier = JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER)
      .audience(TokenForge.AUDIENCE).keys(() -> ring).validity(validity).build();
  public final AuthorizationServer server;

  public AuthFixture(Duration grace) {
    var issuer = JwtAccessTokenIssuer.builder().issuer(TokenForge.ISSUER).audience(TokenForge.AUDIENCE)
        .keys(() -> ring).clock(clock).secrets(secrets).build();
    server = AuthorizationServer.builder().users(accounts).clients(accounts.clients()).passwords(passwords)
        .issuer(issuer).verifier(verifier)
        .refreshTokens(new RefreshTokenRotation(refreshStore, secrets, clock, Duration.ofDays(14), Duration.ofDays(30), grace))
        .denylist(denylist).clock(clock).validity(validity).build();
  }

  public AuthFixture() {
    this(Duration.ZERO);
  }

  public void addUser(String name, String password, String scope) {
    accounts.add(new User(name, passwords.hash(password), Scopes.parse(scope), clock.instant()));
  }

  /** Registers a confidential client and returns its secret. */
  public String addClient(String id, String scope) {
    String secret = secrets.newToken("kcs_", 32);
    accounts.clients().add(new Client(id, Secrets.hash(secret), Scopes.parse(scope), clock.instant()));
    return secret;
  }
}
