package dev.keycard.core.auth;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.refresh.IssuedRefreshToken;
import dev.keycard.core.refresh.RefreshRefusal;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRotation;
import dev.keycard.core.refresh.Rotation;
import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.token.AccessTokenIssuer;
import dev.keycard.core.token.AccessTokenRequest;
import dev.keycard.core.token.AccessTokenVerifier;
import dev.keycard.core.token.IssuedAccessToken;
import dev.keycard.core.token.Scopes;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.Verification;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The authorization server's decisions, without HTTP: password login, the refresh-token and
 * client-credentials grants (RFC 6749), revocation (RFC 7009), introspection (RFC 7662) and logout.
 * A web adapter parses requests into these calls and writes their results out.
 *
 * <p>Every method blocks (password hashing, signing, the stores): call them off the event loop.
 */
public final class AuthorizationServer {
  static final int MAX_USERNAME = 128;
  /** Argon2id of a megabyte-long password would still be cheap, but nobody needs more than this. */
  static final int MAX_PASSWORD = 1024;

  private final UserStore users;
  private final ClientStore clients;
  private final PasswordHasher passwords;
  private final AccessTokenIssuer issuer;
  private final AccessTokenVerifier verifier;
  private final RefreshTokenRotation refreshTokens;
  private final Denylist denylist;
  private final InstantSource clock;
  private final Duration accessTokenLifetime;
  private final TokenValidity validity;
  private final String loginClientId;

  private AuthorizationServer(Builder b) {
    this.users = b.users;
    this.clients = b.clients;
    this.passwords = b.passwords;
    this.issuer = b.issuer;
    this.verifier = b.verifier;
    this.refreshTokens = b.refreshTokens;
    this.denylist = b.denylist;
    this.clock = b.clock;
    this.accessTokenLifetime = b.accessTokenLifetime;
    this.validity = b.validity;
    this.loginClientId = b.loginClientId;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The clock its decisions are timed by: the web adapter times what it reports about them by it too. */
  public InstantSource clock() {
    return clock;
  }

  /** The public client that password logins are issued to. */
  public String loginClientId() {
    return loginClientId;
  }

  /**
   * Logs a user in: an access token and the first refresh token of a new family. An unknown user
   * costs one Argon2id verification too, so the answer and its timing are the same either way.
   *
   * @param scope the scopes wanted, or {@code null} for all of the user's
   */
  public GrantResult login(String username, String password, String scope) {
    if (username == null || password == null || username.isEmpty() || password.isEmpty()) {
      return failed(OAuthError.invalidRequest("username and password are required"));
    }
    if (username.length() > MAX_USERNAME || password.length() > MAX_PASSWORD) {
      return failed(OAuthError.invalidCredentials());
    }
    Optional<User> user = users.find(username);
    if (user.isEmpty()) {
      passwords.verifyDummy(password);
      return failed(OAuthError.invalidCredentials());
    }
    if (!passwords.verify(password, user.get().passwordHash())) {
      return failed(OAuthError.invalidCredentials());
    }
    Optional<Set<String>> scopes = narrow(user.get().scopes(), scope);
    if (scopes.isEmpty()) {
      return failed(OAuthError.invalidScope());
    }
    IssuedRefreshToken refresh = refreshTokens.start(username, loginClientId, scopes.get());
    return granted(issue(username, loginClientId, scopes.get(), refresh.family().id()), refresh.value());
  }

  /**
   * {@code grant_type=refresh_token} (RFC 6749 §6), with rotation and reuse detection. The scope is
   * checked before the token is spent: a request for more than the session holds is
   * {@code invalid_scope} and leaves the refresh token usable.
   */
  public GrantResult refresh(ClientAuthentication client, String refreshToken, String scope) {
    if (refreshToken == null || refreshToken.isEmpty()) {
      return failed(OAuthError.invalidRequest("refresh_token is required"));
    }
    Optional<String> clientId = clientForPublicOrConfidential(client);
    if (clientId.isEmpty()) {
      return failed(OAuthError.invalidClient());
    }
    boolean narrowed = scope != null && !scope.isBlank();
    if (narrowed && !Scopes.isValid(scope)) {
      return failed(OAuthError.invalidScope());
    }
    Set<String> requested = narrowed ? Scopes.parse(scope) : Set.of();
    return switch (refreshTokens.rotate(refreshToken, clientId.get(), requested)) {
      case Rotation.Refused r when r.reason() == RefreshRefusal.SCOPE_NOT_GRANTED -> failed(OAuthError.invalidScope());
      case Rotation.Refused r -> failed(OAuthError.invalidGrant(r.reason().description()));
      case Rotation.ReuseDetected reuse -> {
        revokeSession(reuse.family().id());
        yield new GrantResult.Failed(OAuthError.invalidGrant("The refresh token was already used; the session is revoked"),
            reuse.family());
      }
      case Rotation.Rotated rotated -> {
        RefreshTokenFamily family = rotated.next().family();
        Set<String> scopes = narrowed ? requested : family.scopes();
        yield granted(issue(family.subject(), family.clientId(), scopes, family.id()), rotated.next().value());
      }
    };
  }

  /** {@code grant_type=client_credentials} (RFC 6749 §4.4): confidential clients only, no refresh token. */
  public GrantResult clientCredentials(ClientAuthentication client, String scope) {
    Optional<Client> authenticated = authenticateConfidential(client);
    if (authenticated.isEmpty()) {
      return failed(OAuthError.invalidClient());
    }
    Client c = authenticated.get();
    Optional<Set<String>> scopes = narrow(c.scopes(), scope);
    if (scopes.isEmpty()) {
      return failed(OAuthError.invalidScope());
    }
    return granted(issue(c.clientId(), c.clientId(), scopes.get(), null), null);
  }

  /**
   * RFC 7009 revocation. A refresh token revokes its whole family (and that family's access tokens);
   * an access token goes on the denylist until it would have expired. {@code token_type_hint} only
   * decides which kind is looked for first: when the token is not of that kind, the search goes on
   * to the other (§2.1). Unknown tokens, and tokens of another client, are answered 200 like any
   * other (§2.2): the answer says nothing about them.
   *
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
   */
  public RevocationResult revoke(ClientAuthentication client, String token, String hint) {
    if (token == null || token.isEmpty()) {
      return new RevocationResult.Failed(OAuthError.invalidRequest("token is required"));
    }
    Optional<String> clientId = clientForPublicOrConfidential(client);
    if (clientId.isEmpty()) {
      return new RevocationResult.Failed(OAuthError.invalidClient());
    }
    boolean accessFirst = "access_token".equals(hint)
        || (!"refresh_token".equals(hint) && !RefreshTokenRotation.looksLikeRefreshToken(token));
    Optional<RevocationResult.Done> done = accessFirst ? revokeAccessToken(token, clientId.get())
        : revokeRefreshToken(token, clientId.get());
    if (done.isEmpty()) {
      done = accessFirst ? revokeRefreshToken(token, clientId.get()) : revokeAccessToken(token, clientId.get());
    }
    return done.orElseGet(RevocationResult.Done::new);
  }

  /**
   * Empty when {@code token} is not a refresh token we know; else the answer, which names the session
   * when it was {@code clientId}'s and is now revoked.
   */
  private Optional<RevocationResult.Done> revokeRefreshToken(String token, String clientId) {
    Optional<RefreshTokenFamily> family = refreshTokens.familyOf(token);
    if (family.isPresent() && family.get().clientId().equals(clientId)) {
      revokeSession(family.get().id());
      return Optional.of(new RevocationResult.Done(family.get().subject(), family.get().id(), null));
    }
    return family.map(f -> new RevocationResult.Done());
  }

  /**
   * Empty when {@code token} is not an access token in force; else the answer, which names the token
   * when it was {@code clientId}'s and is now denylisted.
   */
  private Optional<RevocationResult.Done> revokeAccessToken(String token, String clientId) {
    if (verifier.verify(token) instanceof Verification.Verified v) {
      if (v.token().clientId().equals(clientId)) {
        denylist.revoke(v.token().tokenId(), validity.acceptedUntil(v.token()));
        return Optional.of(new RevocationResult.Done(v.token().subject(), v.token().sessionId(), v.token().tokenId()));
      }
      return Optional.of(new RevocationResult.Done());
    }
    return Optional.empty();
  }

  /** RFC 7662 introspection; only confidential clients may ask. */
  public IntrospectionResult introspect(ClientAuthentication client, String token, String hint) {
    if (authenticateConfidential(client).isEmpty()) {
      return new IntrospectionResult.Failed(OAuthError.invalidClient());
    }
    if (token == null || token.isEmpty()) {
      return new IntrospectionResult.Failed(OAuthError.invalidRequest("token is required"));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (RefreshTokenRotation.looksLikeRefreshToken(token)) {
      Optional<RefreshTokenFamily> family = refreshTokens.activeFamily(token);
      out.put("active", family.isPresent());
      family.ifPresent(f -> {
        out.put("token_type", "refresh_token");
        out.put("scope", Scopes.format(f.scopes()));
        out.put("client_id", f.clientId());
        out.put("sub", f.subject());
        out.put("iat", f.createdAt().getEpochSecond());
        out.put("exp", f.absoluteExpiresAt().getEpochSecond());
      });
    } else if (verifier.verify(token) instanceof Verification.Verified v) {
      AccessToken t = v.token();
      out.put("active", true);
      out.put("token_type", "Bearer");
      out.put("scope", t.scope());
      out.put("client_id", t.clientId());
      out.put("sub", t.subject());
      out.put("aud", t.audience().size() == 1 ? t.audience().get(0) : t.audience());
      out.put("iss", t.issuer());
      out.put("iat", t.issuedAt().getEpochSecond());
      out.put("nbf", t.notBefore().getEpochSecond());
      out.put("exp", t.expiresAt().getEpochSecond());
      out.put("jti", t.tokenId());
      if (t.sessionId() != null) {
        // A resource server that caches this answer can match it against the revocation feed's sessions.
        out.put("sid", t.sessionId());
      }
    } else {
      out.put("active", false);
    }
    return new IntrospectionResult.Introspected(out);
  }

  /** Ends the session the access token belongs to: the token itself and its refresh family. */
  public void logout(AccessToken token) {
    denylist.revoke(token.tokenId(), validity.acceptedUntil(token));
    if (token.sessionId() != null) {
      revokeSession(token.sessionId());
    }
  }

  /**
   * The session (refresh family) a refresh token belongs to, whatever the token's state, or empty
   * for a token never issued. Blocks on the store.
   */
  public Optional<RefreshTokenFamily> sessionOf(String refreshToken) {
    return refreshTokens.familyOf(refreshToken);
  }

  /** Revokes a session (refresh family) and every access token issued from it. */
  public void revokeSession(String familyId) {
    refreshTokens.revokeFamily(familyId);
    denylist.revoke(familyId, sessionRevocationExpiry());
  }

  /** Access tokens of a family carry its id as {@code sid}; the last of them dies one lifetime from now. */
  private Instant sessionRevocationExpiry() {
    return clock.instant().plus(accessTokenLifetime).plus(validity.clockSkew());
  }

  private IssuedAccessToken issue(String subject, String clientId, Set<String> scopes, String sessionId) {
    return issuer.issue(new AccessTokenRequest(subject, clientId, scopes, sessionId));
  }

  private GrantResult granted(IssuedAccessToken access, String refreshToken) {
    return new GrantResult.Granted(new TokenGrant(access, refreshToken, access.claims().scopes(),
        accessTokenLifetime.toSeconds()));
  }

  private static GrantResult failed(OAuthError error) {
    return new GrantResult.Failed(error);
  }

  /**
   * The client a refresh or revocation speaks for: a confidential client must authenticate; a
   * public client (no secret registered) may just name itself; nothing at all means the login client.
   */
  private Optional<String> clientForPublicOrConfidential(ClientAuthentication auth) {
    if (auth == null || auth.clientId() == null) {
      return auth != null && auth.secret() != null ? Optional.empty() : Optional.of(loginClientId);
    }
    if (auth.secret() != null) {
      return authenticateConfidential(auth).map(Client::clientId);
    }
    if (auth.clientId().equals(loginClientId)) {
      return Optional.of(loginClientId);
    }
    return clients.find(auth.clientId()).filter(c -> !c.confidential()).map(Client::clientId);
  }

  private Optional<Client> authenticateConfidential(ClientAuthentication auth) {
    if (auth == null || auth.clientId() == null || auth.secret() == null) {
      return Optional.empty();
    }
    String presented = Secrets.hash(auth.secret());
    return clients.find(auth.clientId())
        .filter(Client::confidential)
        .filter(c -> Secrets.constantTimeEquals(presented, c.secretHash()));
  }

  /** The requested scopes when all are granted; all granted ones when none are requested. */
  private static Optional<Set<String>> narrow(Set<String> granted, String requested) {
    if (requested == null || requested.isBlank()) {
      return Optional.of(granted);
    }
    if (!Scopes.isValid(requested)) {
      return Optional.empty();
    }
    Set<String> wanted = Scopes.parse(requested);
    return granted.containsAll(wanted) ? Optional.of(wanted) : Optional.empty();
  }

  /** Builds the server; {@link #build()} fails fast on anything missing. */
  public static final class Builder {
    private UserStore users;
    private ClientStore clients;
    private PasswordHasher passwords;
    private AccessTokenIssuer issuer;
    private AccessTokenVerifier verifier;
    private RefreshTokenRotation refreshTokens;
    private Denylist denylist;
    private InstantSource clock = InstantSource.system();
    private Duration accessTokenLifetime = Duration.ofMinutes(15);
    private TokenValidity validity;
    private String loginClientId = "keycard";

    private Builder() {}

    public Builder users(UserStore users) {
      this.users = users;
      return this;
    }

    public Builder clients(ClientStore clients) {
      this.clients = clients;
      return this;
    }

    public Builder passwords(PasswordHasher passwords) {
      this.passwords = passwords;
      return this;
    }

    public Builder issuer(AccessTokenIssuer issuer) {
      this.issuer = issuer;
      return this;
    }

    /** Used to recognise access tokens presented for revocation and introspection. */
    public Builder verifier(AccessTokenVerifier verifier) {
      this.verifier = verifier;
      return this;
    }

    public Builder refreshTokens(RefreshTokenRotation refreshTokens) {
      this.refreshTokens = refreshTokens;
      return this;
    }

    public Builder denylist(Denylist denylist) {
      this.denylist = denylist;
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /** Must equal the issuer's lifetime: it sets {@code expires_in} and how long revocations last. */
    public Builder accessTokenLifetime(Duration accessTokenLifetime) {
      this.accessTokenLifetime = accessTokenLifetime;
      return this;
    }

    /** The verifiers' validity rule: a revocation must last as long as it would accept the token. */
    public Builder validity(TokenValidity validity) {
      this.validity = validity;
      return this;
    }

    /** The public client id that password logins are issued to (default {@code keycard}). */
    public Builder loginClientId(String loginClientId) {
      this.loginClientId = loginClientId;
      return this;
    }

    public AuthorizationServer build() {
      Objects.requireNonNull(users, "users");
      Objects.requireNonNull(clients, "clients");
      Objects.requireNonNull(passwords, "passwords");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(verifier, "verifier");
      Objects.requireNonNull(refreshTokens, "refreshTokens");
      Objects.requireNonNull(denylist, "denylist");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(validity, "validity");
      if (loginClientId == null || loginClientId.isBlank()) {
        throw new IllegalArgumentException("loginClientId is required");
      }
      return new AuthorizationServer(this);
    }
  }
}
