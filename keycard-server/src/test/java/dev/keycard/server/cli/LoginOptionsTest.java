package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.password.PasswordHasher;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.LoginThrottling;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The login-throttling, hashing-pool and Argon2id options of {@code serve}. */
class LoginOptionsTest {
  private static LoginOptions options(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.loginOptions;
  }

  @Test
  void withoutFlagsTheDocumentedDefaultsApply() {
    LoginThrottling c = options(Map.of()).toConfig();
    assertThat(c.policy()).isEqualTo(LoginThrottling.DEFAULT_POLICY);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(c.hashingThreads()).isEqualTo(cores);
    assertThat(c.hashingQueue()).isEqualTo(8 * cores);
    assertThat(c.argon2MemoryKib()).isEqualTo(19 * 1024);
    assertThat(c.argon2Iterations()).isEqualTo(2);
    assertThat(c.argon2Parallelism()).isEqualTo(1);
    assertThat(c.refusalHold()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void flagsAndEnvironmentSetLimitsPoolAndArgon2Parameters() {
    LoginOptions o = options(Map.of("KEYCARD_ARGON2_MEMORY", "7168", "KEYCARD_HASHING_THREADS", "3"),
        "--argon2-iterations", "5", "--login-failures-per-account", "6", "--login-throttle-window", "5m",
        "--hashing-queue", "10", "--login-refusal-hold", "0s");
    LoginThrottling c = o.toConfig();
    assertThat(c.policy().accountFailures()).isEqualTo(6);
    assertThat(c.policy().window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.hashingThreads()).isEqualTo(3);
    assertThat(c.hashingQueue()).isEqualTo(10);
    assertThat(c.refusalHold()).isZero();
    assertThat(o.hasher(new SecureRandom()).hash("pw")).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
  }

  @Test
  void zeroFailuresPerAccountTurnsThrottlingOff() {
    assertThat(options(Map.of(), "--login-failures-per-account", "0").toConfig().policy().enabled()).isFalse();
  }

  @Test
  void hashesMadeWithOtherParametersKeepVerifying() {
    String old = new PasswordHasher(new SecureRandom(), 1024, 1, 1).hash("an old password");
    PasswordHasher now = options(Map.of(), "--argon2-memory", "2048", "--argon2-iterations", "2").hasher(new SecureRandom());
    assertThat(now.verify("an old password", old)).isTrue();
    assertThat(now.hash("a new one")).contains("m=2048,t=2,p=1");
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run("serve", "--argon2-memory", "4")[2]).contains("--argon2-memory");
    assertThat(run("serve", "--hashing-threads", "0")[2]).contains("--hashing-threads");
    assertThat(run("serve", "--login-throttle-window", "0s")[2]).contains("--login-throttle-window");
    assertThat(run("serve", "--login-refusal-hold", "11s")[2]).contains("--login-refusal-hold");
    assertThat(run("serve", "--login-refusal-hold", "soon")[2]).contains("--login-refusal-hold");
    assertThat(run("users", "add", "x", "--password-stdin", "--argon2-iterations", "0")[2])
        .contains("--argon2-iterations");
  }
}
