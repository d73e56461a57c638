package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.Observability;
import dev.keycard.server.config.Observability.AuditTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --management-port}, {@code --management-host}, {@code --audit-log}. */
class ObservabilityOptionsTest {
  private static Observability observability(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.observabilityOptions.applyTo(serve.options.toConfig(env, false)).abuse().observability();
  }

  @Test
  void withoutFlagsMetricsAreOnLoopbackPort9464AndTheAuditLogInTheDataDirectory() {
    Observability o = observability(Map.of());
    assertThat(o).isEqualTo(new Observability("127.0.0.1", 9464, AuditTarget.DEFAULT));
    assertThat(o.auditLog().path(Path.of("/var/lib/keycard"))).isEqualTo(Path.of("/var/lib/keycard/audit.log"));
  }

  @Test
  void flagsAndTheEnvironmentSetEachOption() {
    assertThat(observability(Map.of("KEYCARD_MANAGEMENT_PORT", "off", "KEYCARD_AUDIT_LOG", "-")))
        .isEqualTo(new Observability("127.0.0.1", Observability.OFF, AuditTarget.STANDARD_OUTPUT));
    assertThat(observability(Map.of("KEYCARD_MANAGEMENT_PORT", "off"), "--management-port", "0",
        "--management-host", "10.0.0.5", "--audit-log", "/var/log/keycard/audit.log"))
        .isEqualTo(new Observability("10.0.0.5", 0, new AuditTarget.File(Path.of("/var/log/keycard/audit.log"))));
    assertThat(observability(Map.of(), "--audit-log", "off").auditLog()).isEqualTo(AuditTarget.OFF);
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run("serve", "--management-port", "99999")).satisfies(r -> {
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[2]).contains("--management-port");
    });
    assertThat(run("serve", "--management-port", "metrics")[2]).contains("--management-port");
    assertThat(run("serve", "--management-host", " ")[2]).contains("--management-host");
  }

  @Test
  void anAuditLogThatCannotBeOpenedStopsTheStartNamingTheOption(@TempDir Path dir) throws Exception {
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    String[] r = run("serve", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--edge-port", "0",
        "--management-port", "0", "--audit-log", aFile.resolve("audit.log").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--audit-log", "cannot open the audit log");
  }
}
