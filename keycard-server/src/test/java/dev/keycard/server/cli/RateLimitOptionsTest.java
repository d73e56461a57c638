package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.RateLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --rate-limit} and {@code --rate-limit-for}, from flags, the environment and the config file. */
class RateLimitOptionsTest {
  @TempDir
  Path dir;

  private static RateLimits limits(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.rateLimitOptions.toConfig();
  }

  @Test
  void withoutFlagsTheDefaultIsOneThousandPerHourPerSession() {
    assertThat(limits(Map.of())).isEqualTo(RateLimits.defaults());
    assertThat(RateLimits.defaults().policies().global()).isEqualTo(RatePolicy.parse("1000/1h"));
  }

  @Test
  void flagsSetTheGlobalPolicyAndRepeatedOverridesInOrder() {
    RateLimits limits = limits(Map.of(), "--rate-limit", "500/10m", "--rate-limit-for", "client:ci=100/1m",
        "--rate-limit-for", "scope:bulk=off");
    assertThat(limits.policies()).isEqualTo(new RatePolicies(RatePolicy.parse("500/10m"), List.of(
        RatePolicies.Override.parse("client:ci=100/1m"), RatePolicies.Override.parse("scope:bulk=off"))));
    assertThat(limits(Map.of(), "--rate-limit", "off").policies().off()).isTrue();
  }

  @Test
  void theEnvironmentAndTheConfigFileWorkToo() throws Exception {
    assertThat(limits(Map.of("KEYCARD_RATE_LIMIT", "20/1h", "KEYCARD_RATE_LIMIT_FOR", "client:a=1/1s,client:b=off"))
        .policies()).isEqualTo(new RatePolicies(RatePolicy.parse("20/1h"), List.of(
            RatePolicies.Override.parse("client:a=1/1s"), RatePolicies.Override.parse("client:b=off"))));
    Path file = dir.resolve("keycard.properties");
    Files.writeString(file, "rate-limit=50/1m\nrate-limit-for=scope:stream:publish=off,client:web=10/1m\n");
    assertThat(limits(Map.of(), "--config", file.toString()).policies()).isEqualTo(new RatePolicies(
        RatePolicy.parse("50/1m"), List.of(RatePolicies.Override.parse("scope:stream:publish=off"),
            RatePolicies.Override.parse("client:web=10/1m"))));
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    String[] bad = run("serve", "--rate-limit", "lots");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("--rate-limit").contains("1000/1h");
    assertThat(run("serve", "--rate-limit-for", "ci=10/1m")[2]).contains("--rate-limit-for");
  }
}
