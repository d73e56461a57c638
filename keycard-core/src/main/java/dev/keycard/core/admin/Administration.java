package dev.keycard.core.admin;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.geo.Geolocation.Location;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.session.SessionActivity;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The administration decisions, without HTTP, shared by the admin API and the CLI: a user's login
 * sessions, revoking one or all of them, listing and removing users and clients. Each call is one
 * {@link AuditAction#ADMIN_ACTION} event naming who did what to whom, and each session revoked one
 * {@link AuditAction#SESSION_REVOKED}; never a hash or secret. Blocking (the stores): call it off the
 * event loop.
 */
public final class Administration {
  private final UserStore users;
  private final ClientStore clients;
  private final RefreshTokenStore families;
  private final SessionRevoker revoker;
  private final SessionActivity activity;
  private final Geolocation geolocation;
  private final AuditLog audit;
  private final InstantSource clock;

  /**
   * @param activity    what this process saw of sessions' use ({@code null}: nothing, as in a CLI command)
   * @param geolocation the country of a session's last address, looked up when listed
   */
  public Administration(UserStore users, ClientStore clients, RefreshTokenStore families, SessionRevoker revoker,
      SessionActivity activity, Geolocation geolocation, AuditLog audit, InstantSource clock) {
    this.users = Objects.requireNonNull(users, "users");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.families = Objects.requireNonNull(families, "families");
    this.revoker = Objects.requireNonNull(revoker, "revoker");
    this.activity = activity;
    this.geolocation = Objects.requireNonNull(geolocation, "geolocation");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What this process saw of sessions' use, or {@code null}. */
  public SessionActivity activity() {
    return activity;
  }

  /**
   * The live sessions of {@code username} (neither revoked nor past their absolute expiry), oldest
   * first; empty when there is no such user.
   */
  public Optional<List<SessionView>> sessionsOf(Actor actor, String username) {
    if (users.find(username).isEmpty()) {
      record(actor, "sessions.list", "not_found", Map.of("user", username));
      return Optional.empty();
    }
    List<SessionView> views = live(username).stream().map(this::view).toList();
    record(actor, "sessions.list", "success", Map.of("user", username));
    return Optional.of(views);
  }

  /** Revokes session {@code sessionId}: its access tokens and playback URLs stop on every instance. */
  public SessionRevocation revokeSession(Actor actor, String sessionId) {
    Optional<RefreshTokenFamily> family = families.findFamily(sessionId);
    if (family.isEmpty()) {
      record(actor, "sessions.revoke", "not_found", Map.of("session", sessionId));
      return new SessionRevocation.Unknown();
    }
    revoke(actor, family.get());
    record(actor, "sessions.revoke", "success", Map.of("session", sessionId, "user", family.get().subject()));
    return new SessionRevocation.Revoked(family.get());
  }

  /**
   * Revokes one of the actor's own sessions (a person ending a session of theirs on another device).
   * Someone else's session is {@link SessionRevocation.Unknown}, as a session that does not exist:
   * the answer tells nothing about other accounts' session ids.
   */
  public SessionRevocation revokeOwnSession(Actor actor, String sessionId) {
    Optional<RefreshTokenFamily> family = families.findFamily(sessionId)
        .filter(f -> f.subject().equals(actor.subject()));
    if (family.isEmpty()) {
      record(actor, "sessions.revoke_own", "not_found", Map.of("session", sessionId));
      return new SessionRevocation.Unknown();
    }
    revoke(actor, family.get());
    record(actor, "sessions.revoke_own", "success", Map.of("session", sessionId));
    return new SessionRevocation.Revoked(family.get());
  }

  /**
   * "Log out everywhere": revokes every live session of {@code username}.
   *
   * @return the sessions revoked, or empty when there is no such user
   */
  public Optional<List<RefreshTokenFamily>> revokeAllSessions(Actor actor, String username) {
    if (users.find(username).isEmpty()) {
      record(actor, "sessions.revoke_all", "not_found", Map.of("user", username));
      return Optional.empty();
    }
    List<RefreshTokenFamily> revoked = revokeAll(actor, username);
    record(actor, "sessions.revoke_all", "success", Map.of("user", username, "sessions", String.valueOf(revoked.size())));
    return Optional.of(revoked);
  }

  /** Every user, by name. */
  public List<User> users(Actor actor) {
    List<User> all = users.all();
    record(actor, "users.list", "success", Map.of());
    return all;
  }

  /**
   * Removes a user after revoking their live sessions, so nothing they hold works any more.
   *
   * @return the sessions revoked, or empty when there is no such user
   */
  public Optional<List<RefreshTokenFamily>> removeUser(Actor actor, String username) {
    if (users.find(username).isEmpty()) {
      record(actor, "users.remove", "not_found", Map.of("user", username));
      return Optional.empty();
    }
    // Sessions first: a user removed but still holding a session would keep access until it expired.
    List<RefreshTokenFamily> revoked = revokeAll(actor, username);
    boolean removed = users.remove(username);
    record(actor, "users.remove", removed ? "success" : "not_found",
        Map.of("user", username, "sessions", String.valueOf(revoked.size())));
    return removed ? Optional.of(revoked) : Optional.empty();
  }

  /** Every client, by id. */
  public List<Client> clients(Actor actor) {
    List<Client> all = clients.all();
    record(actor, "clients.list", "success", Map.of());
    return all;
  }

  /**
   * Removes a client: it can no longer authenticate, get tokens or refresh its users' sessions.
   * Access tokens it already holds run out by themselves (at most one access-token lifetime).
   *
   * @return whether there was such a client
   */
  public boolean removeClient(Actor actor, String clientId) {
    boolean removed = clients.remove(clientId);
    record(actor, "clients.remove", removed ? "success" : "not_found", Map.of("client", clientId));
    return removed;
  }

  private List<RefreshTokenFamily> live(String username) {
    Instant now = clock.instant();
    return families.familiesOf(username).stream()
        .filter(f -> !f.revoked() && f.absoluteExpiresAt().isAfter(now))
        .toList();
  }

  private List<RefreshTokenFamily> revokeAll(Actor actor, String username) {
    List<RefreshTokenFamily> revoked = new ArrayList<>();
    for (RefreshTokenFamily f : live(username)) {
      revoke(actor, f);
      revoked.add(f);
    }
    return revoked;
  }

  private void revoke(Actor actor, RefreshTokenFamily family) {
    revoker.revoke(family.id());
    if (activity != null) {
      activity.forget(family.id());
    }
    audit.record(AuditEvent.of(clock.instant(), AuditAction.SESSION_REVOKED, "success")
        .withReason(actor.subject().equals(family.subject()) ? "user" : "admin")
        .withSubject(family.subject())
        .withClient(family.clientId())
        .withSession(family.id())
        .withClientIp(actor.clientIp())
        .withDetails(Map.of("by", actor.subject(), "via", actor.via())));
  }

  private SessionView view(RefreshTokenFamily f) {
    Optional<SessionActivity.Seen> seen = activity == null ? Optional.empty() : activity.of(f.id());
    String ip = seen.map(SessionActivity.Seen::lastClientIp).orElse(null);
    // Looked up when listed rather than per request: the hot path records an address only.
    String country = ip == null ? null : geolocation.locate(ip).map(Location::country).orElse(null);
    return new SessionView(f.id(), f.subject(), f.clientId(), f.scopes(), f.createdAt(), f.absoluteExpiresAt(),
        seen.map(SessionActivity.Seen::lastUsed).orElse(null), ip, country,
        seen.map(SessionActivity.Seen::activeStreams).orElse(List.of()),
        seen.map(SessionActivity.Seen::device).orElse(null));
  }

  private void record(Actor actor, String operation, String outcome, Map<String, String> target) {
    Map<String, String> details = new LinkedHashMap<>(target);
    details.put("operation", operation);
    details.put("via", actor.via());
    audit.record(AuditEvent.of(clock.instant(), AuditAction.ADMIN_ACTION, outcome)
        .withReason(operation)
        .withSubject(actor.subject())
        .withClient(actor.clientId())
        .withSession(actor.sessionId())
        .withClientIp(actor.clientIp())
        .withDetails(details));
  }
}
