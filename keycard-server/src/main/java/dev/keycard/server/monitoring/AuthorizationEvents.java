package dev.keycard.server.monitoring;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.core.auth.GrantResult;
import dev.keycard.core.auth.RevocationResult;
import dev.keycard.core.auth.TokenGrant;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.Services;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.TokenFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * What the token endpoints report about the authorization server's decisions: meters
 * ({@code keycard.tokens.issued} by grant type and algorithm, {@code keycard.refresh.reuse},
 * {@code keycard.revocations} by what was revoked and why) and audit events (token issued, refresh
 * succeeded / failed / reuse detected, token revoked, logout). Tokens are named by {@code jti} and
 * {@code sid} only; nothing here ever sees a password or a client secret.
 */
public final class AuthorizationEvents {
  public static final String PASSWORD = "password";
  public static final String REFRESH_TOKEN = "refresh_token";
  public static final String CLIENT_CREDENTIALS = "client_credentials";

  private final AuditLog audit;
  private final InstantSource clock;
  private final Counter issuedPassword;
  private final Counter issuedRefresh;
  private final Counter issuedClientCredentials;
  private final Counter reuse;
  private final Counter revokedToken;
  private final Counter revokedSession;
  private final Counter revokedByReuse;
  private final Counter revokedByLogout;

  /** @param algorithm the access tokens' signing algorithm ({@code RS256}, ...) or {@code opaque} */
  public AuthorizationEvents(Monitoring monitoring, String algorithm, InstantSource clock) {
    MeterRegistry meters = monitoring.meters();
    this.audit = monitoring.audit();
    this.clock = Objects.requireNonNull(clock, "clock");
    issuedPassword = issued(meters, PASSWORD, algorithm);
    issuedRefresh = issued(meters, REFRESH_TOKEN, algorithm);
    issuedClientCredentials = issued(meters, CLIENT_CREDENTIALS, algorithm);
    reuse = Counter.builder("keycard.refresh.reuse")
        .description("Refresh tokens presented a second time; each revoked its whole session").register(meters);
    revokedToken = revocations(meters, "access_token", "revoke");
    revokedSession = revocations(meters, "session", "revoke");
    revokedByReuse = revocations(meters, "session", "reuse");
    revokedByLogout = revocations(meters, "session", "logout");
  }

  /** The events of {@code services}' authorization server, timed by its clock. */
  public static AuthorizationEvents of(Services services) {
    ServerConfig config = services.config();
    String algorithm = config.tokenFormat() == TokenFormat.OPAQUE ? "opaque" : config.algorithm().name();
    return new AuthorizationEvents(services.monitoring(), algorithm, services.authorizationServer().clock());
  }

  /** A login, refresh or client-credentials grant that issued tokens. */
  public void granted(String grantType, TokenGrant grant, String clientIp) {
    AccessToken t = grant.access().claims();
    (switch (grantType) {
      case PASSWORD -> issuedPassword;
      case REFRESH_TOKEN -> issuedRefresh;
      default -> issuedClientCredentials;
    }).increment();
    AuditAction action = REFRESH_TOKEN.equals(grantType) ? AuditAction.REFRESH_SUCCEEDED : AuditAction.TOKEN_ISSUED;
    audit.record(AuditEvent.of(clock.instant(), action, "success")
        .withSubject(t.subject()).withClient(t.clientId()).withSession(t.sessionId()).withTokenId(t.tokenId())
        .withClientIp(clientIp)
        .withDetails(Map.of("grant_type", grantType, "scope", t.scope())));
  }

  /**
   * A refresh the server refused: {@code refresh.failed}, or {@code refresh.reuse_detected} when the
   * token had been used before and its session is now revoked.
   *
   * @param clientId the client the request spoke for, as it said (may be {@code null})
   */
  public void refreshFailed(GrantResult.Failed failed, String clientId, String clientIp) {
    RefreshTokenFamily family = failed.revokedFamily();
    if (family != null) {
      reuse.increment();
      revokedByReuse.increment();
      audit.record(AuditEvent.of(clock.instant(), AuditAction.REFRESH_REUSE_DETECTED, "session_revoked")
          .withReason("refresh_token_reused")
          .withSubject(family.subject()).withClient(family.clientId()).withSession(family.id())
          .withClientIp(clientIp));
      return;
    }
    audit.record(AuditEvent.of(clock.instant(), AuditAction.REFRESH_FAILED, "failure")
        .withReason(failed.error().error()).withClient(clientId).withClientIp(clientIp)
        .withDetails(Map.of("description", failed.error().description())));
  }

  /** An RFC 7009 revocation the server accepted (whether or not it found the token). */
  public void revoked(RevocationResult.Done done, String clientId, String clientIp) {
    String what;
    if (done.tokenId() != null) {
      revokedToken.increment();
      what = "access_token";
    } else if (done.sessionId() != null) {
      revokedSession.increment();
      what = "session";
    } else {
      what = "nothing";
    }
    audit.record(AuditEvent.of(clock.instant(), AuditAction.TOKEN_REVOKED, done.revokedSomething() ? "success" : "ignored")
        .withReason(done.revokedSomething() ? null : "unknown_or_foreign_token")
        .withSubject(done.subject()).withClient(clientId).withSession(done.sessionId()).withTokenId(done.tokenId())
        .withClientIp(clientIp).withDetails(Map.of("revoked", what)));
  }

  /** {@code /auth/logout}: the token and its whole session. */
  public void loggedOut(AccessToken token, String clientIp) {
    revokedByLogout.increment();
    audit.record(AuditEvent.of(clock.instant(), AuditAction.LOGOUT, "success")
        .withSubject(token.subject()).withClient(token.clientId()).withSession(token.sessionId())
        .withTokenId(token.tokenId()).withClientIp(clientIp));
  }

  private static Counter issued(MeterRegistry meters, String grantType, String algorithm) {
    return Counter.builder("keycard.tokens.issued").description("Access tokens issued, by grant type and algorithm")
        .tag("grant_type", grantType).tag("algorithm", algorithm).register(meters);
  }

  private static Counter revocations(MeterRegistry meters, String kind, String cause) {
    return Counter.builder("keycard.revocations")
        .description("Revocations, by what was revoked (an access token, a whole session) and why")
        .tag("kind", kind).tag("cause", cause).register(meters);
  }
}
