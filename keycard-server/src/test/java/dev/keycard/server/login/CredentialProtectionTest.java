package dev.keycard.server.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.throttle.CredentialThrottle;
import dev.keycard.core.throttle.CredentialThrottle.LimitedBy;
import dev.keycard.server.config.LoginThrottling;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit events and meters of login and client-authentication decisions. */
class CredentialProtectionTest {
  private final List<AuditEvent> events = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final CredentialProtection protection = CredentialProtections.inProcess(LoginThrottling.defaults(),
      new Monitoring(meters, events::add), InstantSource.system());

  @AfterEach
  void close() {
    protection.close();
  }

  @Test
  void failedLoginWhenAPasswordWasTypedIntoTheNameFieldThenTheTrailHoldsOnlyAPseudonym() {
    protection.loginFailed("correct horse battery staple", "192.0.2.1");
    protection.loginThrottled("correct horse battery staple", "192.0.2.1", LimitedBy.ACCOUNT);

    assertThat(events).extracting(AuditEvent::action)
        .containsExactly(AuditAction.LOGIN_FAILED, AuditAction.LOGIN_THROTTLED);
    for (AuditEvent e : events) {
      assertThat(e.toString()).doesNotContain("correct horse");
      assertThat(e.subject()).isNull();
      assertThat(e.clientIp()).isEqualTo("192.0.2.1");
      assertThat(e.details()).containsEntry("account", CredentialThrottle.pseudonym("correct horse battery staple"));
    }
    assertThat(events.get(1).reason()).isEqualTo("too_many_failures_for_account");
    assertThat(meters.counter("keycard.logins", "outcome", "failed").count()).isEqualTo(1);
    assertThat(meters.counter("keycard.logins", "outcome", "throttled").count()).isEqualTo(1);
    assertThat(meters.counter("keycard.throttled", "kind", "login").count()).isEqualTo(1);
  }

  @Test
  void succeededLoginNamesItsUser() {
    protection.loginSucceeded("alice", "192.0.2.1");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditAction.LOGIN_SUCCEEDED);
      assertThat(e.subject()).isEqualTo("alice");
      assertThat(e.outcome()).isEqualTo("success");
    });
  }

  @Test
  void clientAuthenticationEventsNameThePrintableClientIdOnly() {
    protection.clientAuthenticationFailed("resource-server", "192.0.2.1");
    protection.clientAuthenticationThrottled("bad\nid", "192.0.2.1", LimitedBy.CLIENT);
    assertThat(events).extracting(AuditEvent::action)
        .containsExactly(AuditAction.CLIENT_AUTHENTICATION_FAILED, AuditAction.CLIENT_AUTHENTICATION_THROTTLED);
    assertThat(events.get(0).clientId()).isEqualTo("resource-server");
    assertThat(events.get(1).clientId()).isNull();
    assertThat(events.get(1).reason()).isEqualTo("too_many_failures_for_client");
  }

  @Test
  void hashingPoolReportsItsQueueAsAGauge() {
    assertThat(meters.get("keycard.password.hashing.queued").gauge().value()).isZero();
    assertThat(meters.get("keycard.password.hashing.active").gauge().value()).isZero();
  }
}
