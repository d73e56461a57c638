package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.TestKeycard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard demo}: a viewer account with a random password, printed once, that really logs in. */
class DemoCommandTest {
  @TempDir
  Path dir;

  private static String welcome(TestKeycard keycard) {
    StringWriter out = new StringWriter();
    DemoCommand.printWelcome(new PrintWriter(out, true), keycard.server(), TestKeycard.FAST_HASHER, new SecureRandom());
    return out.toString();
  }

  private static String passwordIn(String welcome) {
    Matcher m = Pattern.compile("username viewer {2}password (\\S+)").matcher(welcome);
    assertThat(m.find()).as("the welcome names the password").isTrue();
    return m.group(1);
  }

  @Test
  void demoPrintsARandomPasswordOnceAndItLogsIn() {
    String first;
    try (TestKeycard keycard = TestKeycard.start(dir.resolve("one"))) {
      String welcome = welcome(keycard);
      first = passwordIn(welcome);
      assertThat(welcome).contains("curl", "/auth/login", "/api/v1/me", "curl -si", "RateLimit-Policy");
      assertThat(welcome).contains("http://127.0.0.1:" + keycard.server().managementPort() + "/metrics",
          "tail -f " + keycard.server().auditLogFile().toAbsolutePath().normalize());
      assertThat(keycard.http().login("viewer", first).status()).isEqualTo(200);
      // A second start on the same data directory does not print (or reset) the password.
      assertThat(welcome(keycard)).contains("already exists").doesNotContain(first);
    }
    try (TestKeycard keycard = TestKeycard.start(dir.resolve("two"))) {
      assertThat(passwordIn(welcome(keycard))).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo(first);
    }
  }
}
