package dev.keycard.server.cli;

import dev.keycard.core.admin.Actor;
import dev.keycard.core.admin.Administration;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.core.change.Change;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.revocation.DenylistReplica;
import dev.keycard.core.store.Stores;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.edge.PlaybackRules;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The core's {@link Administration} for a CLI command, on the store directly: a session is revoked
 * by writing what a server writes, the revoked refresh-token family and its {@code sid} in the
 * revocation log. Running servers read that log every denylist catch-up ({@code --denylist-catch-up},
 * 1 s by default), or at once when told through Redis ({@code --redis-url}).
 */
final class StoreAdministration {
  /**
   * How long a revocation written by the CLI is kept. The command does not know the servers' settings,
   * so it covers the longest any of them allows: an access token issued just before (at most 24 h,
   * plus clock skew) and a playback session opened just before (a playlist URL of at most 10 min, a
   * playback session of at most 7 days, its last segment URL); the sum of both, about 8 days. An
   * entry is a few bytes.
   */
  static final Duration REVOCATION_HORIZON = ServerConfig.MAX_ACCESS_TOKEN_TTL.plus(ServerConfig.MAX_CLOCK_SKEW)
      .plus(Duration.ofMinutes(10)).plus(StreamingConfig.MAX_PLAYBACK_SESSION_TTL).plus(PlaybackRules.maxSegmentUrlLife());

  private final Stores stores;
  private final InstantSource clock;
  private final DenylistReplica replica;
  private final Administration admin;
  private boolean revoked;

  StoreAdministration(Stores stores, InstantSource clock) {
    this.stores = stores;
    this.clock = clock;
    this.replica = new DenylistReplica(stores.revocations(), clock);
    // No audit trail of its own: the server's audit log belongs to the server's process.
    this.admin = new Administration(stores.users(), stores.clients(), stores.refreshTokens(), this::revoke, null,
        Geolocation.NONE, AuditLog.NONE, clock);
  }

  Administration admin() {
    return admin;
  }

  static Actor operator() {
    return Actor.cli(System.getProperty("user.name"));
  }

  private void revoke(String sessionId) {
    Instant now = clock.instant();
    stores.refreshTokens().revokeFamily(sessionId, now);
    replica.revoke(sessionId, now.plus(REVOCATION_HORIZON));
    revoked = true;
  }

  /**
   * Tells running servers about the revocations made, through Redis when {@code --redis-url} is given.
   *
   * @return a sentence for the operator on when the servers act on them, or "" when nothing was revoked
   */
  String announce(RedisOptions redis, CommandSpec spec) {
    if (!revoked) {
      return "";
    }
    replica.catchUp(); // learns the sequence number of the entries just saved
    boolean told = Announce.change(redis, spec, new Change.Revoked(replica.lastSequence()));
    return told ? "running servers were told through Redis"
        : "running servers refuse its tokens from their next denylist catch-up (--denylist-catch-up, 1s by default)";
  }
}
