package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestKeycard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keycard demo}'s walk-through works as printed: its shell lines, run by bash with curl,
 * log in, start the demo stream, fetch the playlist from the edge and a segment named in it.
 */
class DemoPlaybackWalkthroughTest {
  @TempDir
  Path dir;

  @Test
  void printedCurlSequenceFetchesASegmentThroughTheEdge() throws Exception {
    String bash = SystemTools.require("bash");
    SystemTools.require("curl");
    try (TestKeycard keycard = TestKeycard.start(dir.resolve("data"))) {
      StringWriter printed = new StringWriter();
      DemoCommand.printWelcome(new PrintWriter(printed), keycard.server(), TestKeycard.FAST_HASHER, new SecureRandom());

      List<String> lines = printed.toString().lines().toList();
      int from = lines.indexOf("Watch the built-in live stream 'demo' (copy and paste into a shell):") + 1;
      int to = from;
      while (to < lines.size() && lines.get(to).startsWith("  ")) {
        to++;
      }
      assertThat(to - from).isGreaterThanOrEqualTo(5);
      Path script = dir.resolve("walkthrough.sh");
      StringBuilder text = new StringBuilder("set -eu\ncd '" + dir + "'\n");
      lines.subList(from, to).forEach(l -> text.append(l.substring(2)).append('\n'));
      Files.writeString(script, text);

      Process run = new ProcessBuilder(bash, script.toString()).redirectErrorStream(true).start();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(run.exitValue()).as(output).isZero();
      assertThat(output).startsWith("#EXTM3U").contains("/live/demo/seg-").contains("200 video/mp2t ");
      assertThat(Files.size(dir.resolve("segment.ts"))).isGreaterThan(100_000);
    }
  }
}
