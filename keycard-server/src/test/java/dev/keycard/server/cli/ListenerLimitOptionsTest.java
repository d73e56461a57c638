package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.ListenerLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --header-timeout}, {@code --request-timeout}, {@code --idle-timeout}, {@code --max-connections}. */
class ListenerLimitOptionsTest {
  private static ListenerLimits limits(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.options.toConfig(env, false).limits();
  }

  @Test
  void withoutFlagsTheDocumentedDefaultsApply() {
    assertThat(limits(Map.of())).isEqualTo(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), 8192));
  }

  @Test
  void flagsBeatTheEnvironment() {
    ListenerLimits limits = limits(Map.of("KEYCARD_HEADER_TIMEOUT", "5s", "KEYCARD_MAX_CONNECTIONS", "100"),
        "--max-connections", "200", "--request-timeout", "20s", "--idle-timeout", "45s");
    assertThat(limits).isEqualTo(new ListenerLimits(Duration.ofSeconds(5), Duration.ofSeconds(20),
        Duration.ofSeconds(45), 200));
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run("serve", "--header-timeout", "0s")).satisfies(r -> {
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[2]).contains("--header-timeout");
    });
    assertThat(run("serve", "--max-connections", "0")[2]).contains("--max-connections");
    assertThat(run("serve", "--request-timeout", "soon")[2]).contains("--request-timeout");
    // A request in progress must be answered (408, 503) before its connection can go idle.
    assertThat(run("serve", "--request-timeout", "40s")[2]).contains("--idle-timeout must be at least twice");
  }

  @Test
  void serveHelpListsTheLimits() {
    String help = run("serve", "--help")[1];
    assertThat(help).contains("--header-timeout", "--request-timeout", "--idle-timeout", "--max-connections");
  }
}
