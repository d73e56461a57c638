package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --tls-cert} and {@code --tls-key} (or {@code KEYCARD_TLS_CERT}, {@code KEYCARD_TLS_KEY}). */
class TlsOptionsTest {
  @TempDir
  Path dir;

  private ServerConfig config(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "serve";
    full[1] = "--data-dir";
    full[2] = dir.resolve("data").toString();
    System.arraycopy(args, 0, full, 3, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.options.toConfig(env, false);
  }

  @Test
  void withoutThemKeycardServesPlainHttpAndTheIssuerSaysSo() {
    ServerConfig config = config(Map.of());
    assertThat(config.tls()).isNull();
    assertThat(config.issuer()).isEqualTo("http://127.0.0.1:8080");
  }

  @Test
  void fromTheEnvironmentTheyTurnTlsOnAndTheDefaultIssuerIsHttps() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate");
    Path key = Files.writeString(dir.resolve("key.pem"), "key");

    ServerConfig config = config(Map.of("KEYCARD_TLS_CERT", cert.toString(), "KEYCARD_TLS_KEY", key.toString()));

    assertThat(config.tls().certificate()).isEqualTo(cert);
    assertThat(config.tls().key()).isEqualTo(key);
    assertThat(config.issuer()).isEqualTo("https://127.0.0.1:8080");
  }

  @Test
  void oneWithoutTheOtherOrAnUnreadableFileFailsAtStartNamingTheOption() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate");

    String[] alone = run("serve", "--data-dir", dir.resolve("data").toString(), "--tls-cert", cert.toString());
    String[] missing = run("serve", "--data-dir", dir.resolve("data").toString(), "--tls-cert", cert.toString(),
        "--tls-key", dir.resolve("nowhere.pem").toString());

    assertThat(alone[0]).isEqualTo("2");
    assertThat(alone[2]).contains("--tls-cert and --tls-key go together");
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[2]).contains("cannot read --tls-key");
  }

  @Test
  void aKeyThatDoesNotLoadStopsTheStartWithoutQuotingIt() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n");

    String[] result = run("serve", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--edge-port", "0",
        "--management-port", "off", "--tls-cert", cert.toString(), "--tls-key", key.toString());

    assertThat(result[0]).isNotEqualTo("0");
    assertThat(result[2]).contains("do not load as a certificate chain and its private key").doesNotContain("c2VjcmV0LWtleS1ieXRlcw").doesNotContain("\tat ");
  }

  @Test
  void selfSignedMakesACertificateInTheDataDirectoryAndIsNotForUseWithACertificateOfOnesOwn() throws Exception {
    ServerConfig config = config(Map.of(), "--tls-self-signed");
    assertThat(config.tls().certificate()).isEqualTo(dir.resolve("data").resolve("tls").resolve("self-signed.pem"));
    assertThat(config.issuer()).isEqualTo("https://127.0.0.1:8080");

    Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate");
    Path key = Files.writeString(dir.resolve("key.pem"), "key");
    String[] both = run("serve", "--data-dir", dir.resolve("data").toString(), "--tls-self-signed",
        "--tls-cert", cert.toString(), "--tls-key", key.toString());
    assertThat(both[0]).isEqualTo("2");
    assertThat(both[2]).contains("--tls-self-signed and --tls-cert");
  }
}
