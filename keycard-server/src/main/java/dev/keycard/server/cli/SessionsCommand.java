package dev.keycard.server.cli;

import static java.time.temporal.ChronoUnit.SECONDS;

import dev.keycard.core.admin.SessionRevocation;
import dev.keycard.core.admin.SessionView;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.store.Stores;
import dev.keycard.core.token.Scopes;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycard sessions}: users' login sessions (refresh-token families), on the store directly.
 * The store knows when each began, for which client and scopes; when and from where it was last used
 * only the servers know ({@code GET /api/v1/admin/users/NAME/sessions}).
 */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "List and revoke users' login sessions.",
    subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.Revoke.class, SessionsCommand.RevokeAll.class})
final class SessionsCommand {

  /** {@code keycard sessions list USER}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List a user's live sessions (neither revoked nor expired), oldest first.")
  static final class ListSessions implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "USER", description = "The user name.")
    String user;

    @Override
    public Integer call() {
      List<SessionView> sessions;
      try (Stores stores = common.openStores(spec)) {
        sessions = new StoreAdministration(stores, InstantSource.system()).admin()
            .sessionsOf(StoreAdministration.operator(), user)
            .orElseThrow(() -> new IllegalArgumentException("no user '" + user + "'"));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-22s  %-20s  %-20s  %-16s  %s%n", "SID", "CREATED", "EXPIRES", "CLIENT", "SCOPE");
      for (SessionView s : sessions) {
        out.printf("%-22s  %-20s  %-20s  %-16s  %s%n", s.sessionId(), s.createdAt().truncatedTo(SECONDS),
            s.expiresAt().truncatedTo(SECONDS), s.clientId(),
            Scopes.format(s.scopes()));
      }
      return 0;
    }
  }

  /** {@code keycard sessions revoke SID}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke one session: its access tokens, refresh token and playback URLs stop working.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RedisOptions redis;

    @Parameters(index = "0", paramLabel = "SID", description = "The session id (sid), from 'keycard sessions list'.")
    String sid;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        StoreAdministration admin = new StoreAdministration(stores, InstantSource.system());
        if (admin.admin().revokeSession(StoreAdministration.operator(), sid) instanceof SessionRevocation.Unknown) {
          throw new IllegalArgumentException("no session '" + sid + "'");
        }
        spec.commandLine().getOut().println("session " + sid + " revoked; " + admin.announce(redis, spec));
      }
      return 0;
    }
  }

  /** {@code keycard sessions revoke-all USER}: log out everywhere. */
  @Command(name = "revoke-all", mixinStandardHelpOptions = true,
      description = "Revoke every live session of a user (log out everywhere).")
  static final class RevokeAll implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RedisOptions redis;

    @Parameters(index = "0", paramLabel = "USER", description = "The user name.")
    String user;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        StoreAdministration admin = new StoreAdministration(stores, InstantSource.system());
        List<RefreshTokenFamily> revoked = admin.admin().revokeAllSessions(StoreAdministration.operator(), user)
            .orElseThrow(() -> new IllegalArgumentException("no user '" + user + "'"));
        String announced = admin.announce(redis, spec);
        spec.commandLine().getOut().println(revoked.size() + " session" + (revoked.size() == 1 ? "" : "s") + " of "
            + user + " revoked" + (announced.isEmpty() ? "" : "; " + announced));
      }
      return 0;
    }
  }
}
