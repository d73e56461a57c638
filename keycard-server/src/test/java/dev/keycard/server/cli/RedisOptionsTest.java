package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --redis-url} and its password: refused before anything starts, never repeated in a message. */
class RedisOptionsTest {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), env);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void serveWhenRedisUrlIsNotARedisUrlThenExit2WithoutRepeatingIt() {
    Run r = run(Map.of(), "serve", "--data-dir", dir.toString(), "--redis-url", "http://user:hunter2secret@cache:6379");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--redis-url").doesNotContain("hunter2secret");
  }

  @Test
  void serveWhenThePasswordIsGivenTwiceThenExit2WithoutRepeatingEither() throws Exception {
    Path file = Files.writeString(dir.resolve("redis-password"), "fromthefile\n");
    Run r = run(Map.of(), "serve", "--data-dir", dir.toString(), "--redis-url", "redis://:intheurl@cache:6379",
        "--redis-password-file", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("twice").doesNotContain("intheurl").doesNotContain("fromthefile");
  }

  @Test
  void serveWhenARedisPasswordComesWithoutAUrlThenExit2() {
    Run r = run(Map.of("KEYCARD_REDIS_PASSWORD", "lonelypassword"), "serve", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no --redis-url").doesNotContain("lonelypassword");
  }

  @Test
  void keysRotateWhenRedisIsUnreachableStillRotatesAndSaysTheInstancesReloadLater() {
    Run r = run(Map.of(), "keys", "rotate", "--data-dir", dir.toString(), "--redis-url", "redis://127.0.0.1:1");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("new signing key").contains("within about 10 seconds");
  }
}
