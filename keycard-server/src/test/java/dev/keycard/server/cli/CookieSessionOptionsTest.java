package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --cookie-sessions}: off for {@code serve} unless asked, on for {@code demo}, and never on a
 * network address over plain HTTP unless trusted proxies terminate TLS.
 */
class CookieSessionOptionsTest {
  @TempDir
  Path dir;

  private ServerConfig config(String command, boolean byDefault, String... args) {
    String[] full = new String[args.length + 3];
    full[0] = command;
    full[1] = "--data-dir";
    full[2] = dir.resolve("data").toString();
    System.arraycopy(args, 0, full, 3, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, Map.of()));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, Map.of()));
    Object parsed = cli.parseArgs(full).subcommand().commandSpec().userObject();
    ServerOptions options = parsed instanceof DemoCommand demo ? demo.options : ((ServeCommand) parsed).options;
    return options.toConfig(Map.of(), byDefault);
  }

  @Test
  void serveKeepsThemOffUnlessAsked() {
    assertThat(config("serve", false).cookieSessions()).isFalse();
    assertThat(config("serve", false, "--cookie-sessions").cookieSessions()).isTrue();
  }

  @Test
  void demoHasThemOnUnlessTurnedOff() {
    assertThat(config("demo", true).cookieSessions()).isTrue();
    assertThat(config("demo", true, "--no-cookie-sessions").cookieSessions()).isFalse();
  }

  @Test
  void onALoopbackAddressPlainHttpIsAllowed() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      assertThat(config("serve", false, "--cookie-sessions", "--host", host).cookieSessions()).as(host).isTrue();
    }
  }

  @Test
  void behindProxiesThatTerminateTlsPlainHttpIsAllowed() {
    ServerConfig config = config("serve", false, "--cookie-sessions", "--host", "0.0.0.0",
        "--trusted-proxies", "10.0.0.0/8");
    assertThat(config.cookieSessions()).isTrue();
  }

  @Test
  void onANetworkAddressWithoutTlsKeycardRefusesToStart() {
    String[] result = run("serve", "--data-dir", dir.resolve("data").toString(), "--host", "0.0.0.0",
        "--cookie-sessions", "--port", "0", "--edge-port", "0", "--management-port", "off");
    assertThat(result[0]).isEqualTo("2");
    assertThat(result[2]).contains("--cookie-sessions on 0.0.0.0 needs TLS").doesNotContain("\tat ");
  }
}
