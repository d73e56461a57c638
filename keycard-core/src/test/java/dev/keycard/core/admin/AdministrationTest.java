package dev.keycard.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.User;
import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.geo.Geolocation.Location;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRecord;
import dev.keycard.core.session.SessionActivity;
import dev.keycard.core.store.Stores;
import dev.keycard.core.testing.InMemoryStores;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdministrationTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final Stores stores = InMemoryStores.create();
  private final List<String> revoked = new ArrayList<>();
  private final List<AuditEvent> audit = new ArrayList<>();
  private final SessionActivity activity = new SessionActivity(clock, Duration.ofDays(14), 100);
  private final Administration admin = new Administration(stores.users(), stores.clients(), stores.refreshTokens(),
      sid -> {
        revoked.add(sid);
        stores.refreshTokens().revokeFamily(sid, clock.instant());
      },
      activity, ip -> ip.startsWith("192.0.2.") ? Optional.of(new Location("NL", 52.37, 4.89, 100)) : Optional.empty(),
      audit::add, clock);
  private final Actor root = new Actor("root", "console", "sid-root", "203.0.113.9", "api");

  private void user(String name) {
    stores.users().add(new User(name, "$argon2id$hash", Set.of(), clock.instant()));
  }

  private void session(String id, String subject) {
    stores.refreshTokens().createFamily(new RefreshTokenFamily(id, subject, "keycard", Set.of("profile"),
        clock.instant(), clock.instant().plus(Duration.ofDays(30)), null),
        RefreshTokenRecord.active("h-" + id, id, clock.instant(), clock.instant().plus(Duration.ofDays(14))));
  }

  @Test
  void sessionsOfShowsLiveSessionsWithWhatThisInstanceSaw() {
    user("alice");
    session("s1", "alice");
    clock.advance(Duration.ofMinutes(1));
    session("s2", "alice");
    session("s3", "alice");
    stores.refreshTokens().revokeFamily("s3", clock.instant());
    activity.used("s1", "192.0.2.5");

    List<SessionView> views = admin.sessionsOf(root, "alice").orElseThrow();

    assertThat(views).extracting(SessionView::sessionId).containsExactly("s1", "s2");
    assertThat(views.get(0).lastClientIp()).isEqualTo("192.0.2.5");
    assertThat(views.get(0).country()).isEqualTo("NL");
    assertThat(views.get(0).lastUsed()).isEqualTo(clock.instant());
    assertThat(views.get(1).lastUsed()).isNull();
    assertThat(admin.sessionsOf(root, "nobody")).isEmpty();
  }

  @Test
  void revokeSessionRevokesItAndAuditsWhoDidIt() {
    user("alice");
    session("s1", "alice");

    assertThat(admin.revokeSession(root, "s1")).isInstanceOf(SessionRevocation.Revoked.class);
    assertThat(admin.revokeSession(root, "nope")).isInstanceOf(SessionRevocation.Unknown.class);

    assertThat(revoked).containsExactly("s1");
    AuditEvent event = audit.stream().filter(e -> e.action() == AuditAction.SESSION_REVOKED).findFirst().orElseThrow();
    assertThat(event.subject()).isEqualTo("alice");
    assertThat(event.sessionId()).isEqualTo("s1");
    assertThat(event.details()).containsEntry("by", "root").containsEntry("via", "api");
    assertThat(audit).filteredOn(e -> e.action() == AuditAction.ADMIN_ACTION).extracting(AuditEvent::outcome)
        .containsExactly("success", "not_found");
  }

  @Test
  void revokeAllSessionsRevokesOnlyThatUsersLiveSessions() {
    user("alice");
    user("bob");
    session("a1", "alice");
    session("a2", "alice");
    session("b1", "bob");

    assertThat(admin.revokeAllSessions(root, "alice").orElseThrow()).extracting(RefreshTokenFamily::id)
        .containsExactly("a1", "a2");

    assertThat(revoked).containsExactly("a1", "a2");
    assertThat(admin.sessionsOf(root, "alice").orElseThrow()).isEmpty();
    assertThat(admin.sessionsOf(root, "bob").orElseThrow()).hasSize(1);
    assertThat(admin.revokeAllSessions(root, "nobody")).isEmpty();
  }

  @Test
  void removeUserRevokesTheirSessionsFirst() {
    user("alice");
    session("a1", "alice");

    assertThat(admin.removeUser(root, "alice").orElseThrow()).hasSize(1);

    assertThat(revoked).containsExactly("a1");
    assertThat(stores.users().find("alice")).isEmpty();
    assertThat(admin.removeUser(root, "alice")).isEmpty();
  }

  @Test
  void clientsListAndRemove() {
    stores.clients().add(new Client("encoder", "hash", Set.of("stream:publish"), clock.instant()));

    assertThat(admin.clients(root)).extracting(Client::clientId).containsExactly("encoder");
    assertThat(admin.removeClient(root, "encoder")).isTrue();
    assertThat(admin.removeClient(root, "encoder")).isFalse();
    assertThat(admin.clients(root)).isEmpty();
  }
}
