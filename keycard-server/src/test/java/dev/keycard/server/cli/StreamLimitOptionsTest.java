package dev.keycard.server.cli;

import static dev.keycard.server.cli.Cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.StreamLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --max-concurrent-streams}, {@code --stream-limit-policy}, {@code --stream-idle-window}. */
class StreamLimitOptionsTest {
  @TempDir
  Path dir;

  private static StreamLimits limits(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.streamLimitOptions.applyTo(serve.options.toConfig(env, false)).abuse().streamLimits();
  }

  @Test
  void withoutFlagsThereIsNoLimit() {
    assertThat(limits(Map.of())).isEqualTo(StreamLimits.defaults());
    assertThat(StreamLimits.defaults().enabled()).isFalse();
    assertThat(StreamLimits.defaults().idleWindow()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheConfigFile() throws IOException {
    Path file = dir.resolve("keycard.properties");
    Files.writeString(file, "max-concurrent-streams=4\nstream-limit-policy=evict-oldest\nstream-idle-window=1m\n");

    assertThat(limits(Map.of(), "--config", file.toString()))
        .isEqualTo(new StreamLimits(4, StreamLimitPolicy.EVICT_OLDEST, Duration.ofMinutes(1)));
    assertThat(limits(Map.of("KEYCARD_MAX_CONCURRENT_STREAMS", "2", "KEYCARD_STREAM_IDLE_WINDOW", "20s"),
        "--config", file.toString()))
        .isEqualTo(new StreamLimits(2, StreamLimitPolicy.EVICT_OLDEST, Duration.ofSeconds(20)));
    assertThat(limits(Map.of("KEYCARD_MAX_CONCURRENT_STREAMS", "2"), "--max-concurrent-streams", "1",
        "--stream-limit-policy", "refuse"))
        .isEqualTo(new StreamLimits(1, StreamLimitPolicy.REFUSE, Duration.ofSeconds(30)));
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run("serve", "--max-concurrent-streams", "-1")).satisfies(r -> {
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[2]).contains("--max-concurrent-streams");
    });
    assertThat(run("serve", "--stream-limit-policy", "kick")[2]).contains("--stream-limit-policy must be refuse or evict-oldest");
    assertThat(run("serve", "--stream-idle-window", "1s")[2]).contains("--stream-idle-window must be between 5s and 10m");
    assertThat(run("serve", "--stream-idle-window", "soon")[2]).contains("--stream-idle-window");
  }

  @Test
  void serveHelpListsTheOptions() {
    assertThat(run("serve", "--help")[1])
        .contains("--max-concurrent-streams", "--stream-limit-policy", "--stream-idle-window");
  }
}
