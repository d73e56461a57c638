package dev.keycard.server.cli;

import static java.time.temporal.ChronoUnit.SECONDS;

import dev.keycard.core.account.Client;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.Scopes;
import dev.keycard.core.store.Stores;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard clients}: manage OAuth clients. */
@Command(name = "clients", mixinStandardHelpOptions = true, description = "Manage OAuth clients.",
    subcommands = {ClientsCommand.Add.class, ClientsCommand.ListClients.class, ClientsCommand.Remove.class})
final class ClientsCommand {
  /** The prefix of client secrets, so secret scanners can recognise a leaked one. */
  static final String SECRET_PREFIX = "kcs_";

  /**
   * {@code keycard clients add ID --scope "..."}: a confidential client with a random 256-bit secret,
   * printed once and stored only as its hash. {@code --public} makes a client without a secret.
   */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a client; its random secret is printed once and stored only as a hash.")
  static final class Add implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "ID", description = "The client id.")
    String clientId;

    @Option(names = "--scope", defaultValue = "", description = "Space-separated scopes the client may be granted.")
    String scope;

    @Option(names = "--public", description = "A public client (no secret), e.g. a browser or mobile app.")
    boolean publicClient;

    @Override
    public Integer call() {
      if (!clientId.matches("[A-Za-z0-9._~-]{1,128}")) {
        throw new IllegalArgumentException("ID must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ -");
      }
      if (!scope.isEmpty() && !Scopes.isValid(scope)) {
        throw new IllegalArgumentException("--scope must be space-separated scope tokens (RFC 6749 §3.3)");
      }
      String secret = publicClient ? null : new Secrets(new SecureRandom()).newToken(SECRET_PREFIX, 32);
      try (Stores stores = common.openStores(spec)) {
        stores.clients().add(new Client(clientId, secret == null ? null : Secrets.hash(secret),
            Scopes.parse(scope), Instant.now()));
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException("the client '" + clientId + "' already exists");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("client " + clientId + " added" + (scope.isEmpty() ? "" : " with scope \"" + scope + "\""));
      if (secret != null) {
        out.println("client_secret: " + secret);
        out.println("(shown once; keycard keeps only its hash)");
      }
      return 0;
    }
  }

  /** {@code keycard clients list}: ids, kinds, scopes and creation times; never a secret or its hash. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the OAuth clients.")
  static final class ListClients implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      List<Client> clients;
      try (Stores stores = common.openStores(spec)) {
        clients = new StoreAdministration(stores, InstantSource.system()).admin().clients(StoreAdministration.operator());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s  %-12s  %-20s  %s%n", "ID", "TYPE", "CREATED", "SCOPE");
      for (Client c : clients) {
        out.printf("%-32s  %-12s  %-20s  %s%n", c.clientId(), c.confidential() ? "confidential" : "public",
            c.createdAt().truncatedTo(SECONDS), Scopes.format(c.scopes()));
      }
      return 0;
    }
  }

  /**
   * {@code keycard clients remove ID}: the client can no longer authenticate, get tokens or refresh;
   * access tokens it holds run out within their lifetime.
   */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a client: it gets no more tokens; access tokens it holds run out by themselves.")
  static final class Remove implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "ID", description = "The client id.")
    String clientId;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        if (!new StoreAdministration(stores, InstantSource.system()).admin()
            .removeClient(StoreAdministration.operator(), clientId)) {
          throw new IllegalArgumentException("no client '" + clientId + "'");
        }
      }
      spec.commandLine().getOut().println("client " + clientId + " removed");
      return 0;
    }
  }
}
