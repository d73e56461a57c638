package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --crypto-provider}: native or jdk, and nothing else starts. */
class CryptoProviderOptionsTest {
  @TempDir
  Path dir;

  @Test
  void anUnknownValueIsRefusedBeforeAnythingStarts() {
    String[] result = run("serve", "--data-dir", dir.resolve("data").toString(), "--crypto-provider", "openssl",
        "--port", "0", "--edge-port", "0", "--management-port", "off");

    assertThat(result[0]).isEqualTo("2");
    assertThat(result[2]).contains("--crypto-provider must be native or jdk, not 'openssl'").doesNotContain("\tat ");
  }

  @Test
  void theHelpNamesBothChoices() {
    assertThat(run("serve", "--help")[1]).contains("--crypto-provider=native|jdk");
  }
}
