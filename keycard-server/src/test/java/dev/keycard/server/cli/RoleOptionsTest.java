package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.Roles.Role;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --roles}, {@code --origin-url}, {@code --origin-timeout}: parsed, defaulted, refused with clear messages. */
class RoleOptionsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  private static Roles roles(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.roleOptions.toConfig();
  }

  private static String[] run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), env);
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }

  @Test
  void withoutFlagsOneProcessRunsEveryRole() {
    Roles roles = roles(Map.of());

    assertThat(roles.roles()).containsExactlyInAnyOrder(Role.API, Role.EDGE, Role.ORIGIN);
    assertThat(roles.remoteOrigin()).isFalse();
    assertThat(roles.originTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anEdgeOnlyInstanceNamesItsOriginByFlagOrEnvironment() {
    Roles edge = roles(Map.of(), "--roles", "edge", "--origin-url", "http://origin.internal:8080/", "--origin-timeout", "2s");
    assertThat(edge.roles()).containsExactly(Role.EDGE);
    assertThat(edge.remoteOrigin()).isTrue();
    assertThat(edge.originUrl()).isEqualTo("http://origin.internal:8080");
    assertThat(edge.originTimeout()).isEqualTo(Duration.ofSeconds(2));

    Roles fromEnv = roles(Map.of("KEYCARD_ROLES", " Edge , api ", "KEYCARD_ORIGIN_URL", "https://origin.example.com"));
    assertThat(fromEnv.roles()).isEqualTo(Set.of(Role.EDGE, Role.API));
    assertThat(fromEnv.originUrl()).isEqualTo("https://origin.example.com");
  }

  @Test
  void refusesRoleListsThatAreEmptyUnknownOrRepeated() {
    assertThat(run(Map.of(), "serve", "--roles", "")[2]).contains("--roles");
    assertThat(run(Map.of(), "serve", "--roles", "api,cdn")).satisfies(r -> {
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[2]).contains("--roles takes a comma-separated list of api, edge, origin, not 'api,cdn'");
    });
    assertThat(run(Map.of(), "serve", "--roles", "edge,edge,origin")[2]).contains("--roles names edge twice");
  }

  @Test
  void anEdgeWithoutTheOriginNeedsAnOriginUrlAndOnlyItMayHaveOne() {
    assertThat(run(Map.of(), "serve", "--roles", "edge")).satisfies(r -> {
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[2]).contains("--roles edge runs the edge without the origin: it needs --origin-url");
    });
    assertThat(run(Map.of(), "serve", "--roles", "api,edge", "--origin-url", "ftp://origin")[2])
        .contains("--origin-url must be http(s)://host[:port] without a path");
    assertThat(run(Map.of(), "serve", "--origin-url", "http://origin:8080")[2])
        .contains("--origin-url is for an instance running the edge without the origin; --roles api,edge,origin serves its own origin");
    assertThat(run(Map.of(), "serve", "--roles", "api", "--origin-url", "http://origin:8080")[2])
        .contains("--roles api runs no edge");
    assertThat(run(Map.of(), "serve", "--roles", "edge", "--origin-url", "http://origin:8080", "--origin-timeout", "2m")[2])
        .contains("--origin-timeout must be between 100ms and 60s");
  }

  @Test
  void anEdgeWithoutTheOriginRefusesToStartWithoutTheOriginSecret() {
    Path data = dir.resolve("data");
    String[] r = run(Map.of(), "serve", "--data-dir", data.toString(), "--roles", "edge", "--origin-url", "http://127.0.0.1:9");

    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--roles edge pulls from --origin-url with the origin secret the origin checks:"
        + " set KEYCARD_ORIGIN_SECRET or --origin-secret-file");
    assertThat(data).doesNotExist(); // refused before anything was opened
  }

  @Test
  void serveHelpListsTheRoleOptions() {
    assertThat(run(Map.of("KEYCARD_ORIGIN_SECRET", SECRET), "serve", "--help")[1])
        .contains("--roles", "--origin-url", "--origin-timeout");
  }
}
