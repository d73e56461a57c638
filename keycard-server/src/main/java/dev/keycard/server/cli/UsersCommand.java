package dev.keycard.server.cli;

import static java.time.temporal.ChronoUnit.SECONDS;

import dev.keycard.core.account.User;
import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.token.Scopes;
import dev.keycard.core.store.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keycard users}: manage accounts. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage user accounts.",
    subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class})
final class UsersCommand {
  @ParentCommand
  KeycardCommand parent;

  /**
   * {@code keycard users add NAME --password-stdin --scope "..."}. The password comes from standard
   * input only, never an argument: arguments end up in shell history and {@code ps} output.
   */
  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user; the password is read from stdin.")
  static final class Add implements Callable<Integer> {
    static final int MIN_PASSWORD = 8;

    @ParentCommand
    UsersCommand users;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    Argon2Options argon2;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    @Option(names = "--password-stdin", required = true, description = "Read the password from standard input (first line).")
    boolean passwordStdin;

    @Option(names = "--scope", defaultValue = "", description = "Space-separated scopes the user's tokens may carry.")
    String scope;

    @Override
    public Integer call() throws IOException {
      if (name.isBlank() || name.length() > 128 || !name.strip().equals(name)) {
        throw new IllegalArgumentException("NAME must be 1 to 128 characters without surrounding spaces");
      }
      if (!scope.isEmpty() && !Scopes.isValid(scope)) {
        throw new IllegalArgumentException("--scope must be space-separated scope tokens (RFC 6749 §3.3)");
      }
      PasswordHasher hasher = argon2.hasher(new SecureRandom()); // a bad parameter fails before the password is read
      String password = new BufferedReader(new InputStreamReader(users.parent.stdin, StandardCharsets.UTF_8)).readLine();
      if (password == null || password.length() < MIN_PASSWORD) {
        throw new IllegalArgumentException("the password (first line of stdin) must have at least "
            + MIN_PASSWORD + " characters");
      }
      String hash = hasher.hash(password);
      try (Stores stores = common.openStores(spec)) {
        stores.users().add(new User(name, hash, Scopes.parse(scope), Instant.now()));
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException("the user '" + name + "' already exists");
      }
      spec.commandLine().getOut().println("user " + name + " added" + (scope.isEmpty() ? "" : " with scope \"" + scope + "\""));
      return 0;
    }
  }

  /** {@code keycard users list}: names, scopes and creation times; never a password hash. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
  static final class ListUsers implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      List<User> users;
      try (Stores stores = common.openStores(spec)) {
        users = new StoreAdministration(stores, InstantSource.system()).admin().users(StoreAdministration.operator());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s  %-20s  %s%n", "NAME", "CREATED", "SCOPE");
      for (User u : users) {
        out.printf("%-32s  %-20s  %s%n", u.username(), u.createdAt().truncatedTo(SECONDS), Scopes.format(u.scopes()));
      }
      return 0;
    }
  }

  /** {@code keycard users remove NAME}: revokes the user's sessions, then removes the account. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a user; their sessions are revoked first, so nothing they hold keeps working.")
  static final class Remove implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RedisOptions redis;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        StoreAdministration admin = new StoreAdministration(stores, InstantSource.system());
        List<RefreshTokenFamily> revoked = admin.admin().removeUser(StoreAdministration.operator(), name)
            .orElseThrow(() -> new IllegalArgumentException("no user '" + name + "'"));
        String announced = admin.announce(redis, spec);
        spec.commandLine().getOut().println("user " + name + " removed; " + revoked.size() + " session"
            + (revoked.size() == 1 ? "" : "s") + " revoked" + (announced.isEmpty() ? "" : "; " + announced));
      }
      return 0;
    }
  }
}
