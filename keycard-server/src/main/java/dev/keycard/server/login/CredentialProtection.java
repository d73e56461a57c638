package dev.keycard.server.login;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.throttle.CredentialThrottle;
import dev.keycard.core.throttle.CredentialThrottle.LimitedBy;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * What stands between a password or client secret and a brute-force attack: the throttle that
 * counts failures, the bounded pool that hashes passwords, and the record of each decision (meters
 * and audit events {@code login.*} and {@code client.authentication_*}).
 *
 * <p>The audit trail names a failed or throttled login's account by a pseudonym
 * ({@link CredentialThrottle#pseudonym}), not by what was typed: people type their password into the
 * name field, and the trail must never hold one. A successful login names its user.
 */
public final class CredentialProtection implements AutoCloseable {
  private final CredentialThrottle throttle;
  private final HashingPool hashing;
  private final Monitoring monitoring;
  private final InstantSource clock;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter throttled;
  private final Counter busy;
  private final Counter clientFailed;
  private final Counter clientThrottled;
  private final Counter throttledLogins;
  private final Counter throttledClients;
  private final Duration refusalHold;

  /** @param refusalHold how long a refused attempt waits for its answer ({@code --login-refusal-hold}) */
  public CredentialProtection(CredentialThrottle throttle, HashingPool hashing, Monitoring monitoring,
      InstantSource clock, Duration refusalHold) {
    this.refusalHold = refusalHold;
    this.throttle = throttle;
    this.hashing = hashing;
    this.monitoring = monitoring;
    this.clock = clock;
    MeterRegistry m = monitoring.meters();
    this.succeeded = logins(m, "succeeded");
    this.failed = logins(m, "failed");
    this.throttled = logins(m, "throttled");
    this.busy = logins(m, "busy");
    this.clientFailed = clients(m, "failed");
    this.clientThrottled = clients(m, "throttled");
    this.throttledLogins = Counter.builder("keycard.throttled").tag("kind", "login")
        .description("Attempts refused (429) by login or client-authentication throttling").register(m);
    this.throttledClients = Counter.builder("keycard.throttled").tag("kind", "client_authentication")
        .description("Attempts refused (429) by login or client-authentication throttling").register(m);
  }

  public CredentialThrottle throttle() {
    return throttle;
  }

  public HashingPool hashing() {
    return hashing;
  }

  /** How long a refused attempt (429 throttled, 503 busy) waits for its answer; zero for at once. */
  public Duration refusalHold() {
    return refusalHold;
  }

  public void loginSucceeded(String username, String address) {
    succeeded.increment();
    record(AuditEvent.of(clock.instant(), AuditAction.LOGIN_SUCCEEDED, "success").withSubject(username)
        .withClientIp(address));
  }

  public void loginFailed(String username, String address) {
    failed.increment();
    record(AuditEvent.of(clock.instant(), AuditAction.LOGIN_FAILED, "failure").withReason("invalid_credentials")
        .withClientIp(address).withDetails(Map.of("account", CredentialThrottle.pseudonym(username))));
  }

  public void loginThrottled(String username, String address, LimitedBy limitedBy) {
    throttled.increment();
    throttledLogins.increment();
    record(AuditEvent.of(clock.instant(), AuditAction.LOGIN_THROTTLED, "refused").withReason(reason(limitedBy))
        .withClientIp(address).withDetails(Map.of("account", CredentialThrottle.pseudonym(username))));
  }

  /** Not an audit event: no decision about the credentials was taken. */
  public void loginBusy() {
    busy.increment();
  }

  public void clientAuthenticationFailed(String clientId, String address) {
    clientFailed.increment();
    record(AuditEvent.of(clock.instant(), AuditAction.CLIENT_AUTHENTICATION_FAILED, "failure")
        .withReason("invalid_client").withClient(printable(clientId)).withClientIp(address));
  }

  public void clientAuthenticationThrottled(String clientId, String address, LimitedBy limitedBy) {
    clientThrottled.increment();
    throttledClients.increment();
    record(AuditEvent.of(clock.instant(), AuditAction.CLIENT_AUTHENTICATION_THROTTLED, "refused")
        .withReason(reason(limitedBy)).withClient(printable(clientId)).withClientIp(address));
  }

  @Override
  public void close() {
    hashing.close();
    throttle.close();
  }

  private void record(AuditEvent event) {
    monitoring.audit().record(event);
  }

  private static String reason(LimitedBy limitedBy) {
    return switch (limitedBy) {
      case ACCOUNT -> "too_many_failures_for_account";
      case ADDRESS -> "too_many_failures_from_address";
      case CLIENT -> "too_many_failures_for_client";
    };
  }

  /** Client ids are not secret, but they are the caller's text: bounded and printable ASCII only. */
  private static String printable(String clientId) {
    if (clientId == null || clientId.length() > 128 || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return null;
    }
    return clientId;
  }

  private static Counter logins(MeterRegistry m, String outcome) {
    return Counter.builder("keycard.logins").tag("outcome", outcome)
        .description("Password logins by outcome (busy: refused at once, the hashing queue was full)").register(m);
  }

  private static Counter clients(MeterRegistry m, String outcome) {
    return Counter.builder("keycard.client.authentications").tag("outcome", outcome)
        .description("Failed and throttled client authentications at /oauth2/token, /revoke and /introspect")
        .register(m);
  }
}
