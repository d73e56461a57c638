package dev.keycard.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One scrape of a running keycard's {@code GET /metrics}, read sample by sample. The format itself is
 * checked by Prometheus's own parser ({@code promtool check metrics}); this only finds values.
 */
record Scrape(String text) {

  static Scrape of(TestHttp management) {
    TestHttp.Answer answer = management.get("/metrics");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    return new Scrape(answer.body());
  }

  /**
   * The value of the sample named {@code name} whose labels include every {@code label="value"} pair
   * given; 0 when there is none (a counter not yet registered reads as never moved).
   */
  double value(String name, String... labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int end = line.lastIndexOf(' ');
      String series = line.substring(0, end);
      boolean all = true;
      for (String label : labels) {
        all &= series.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(end + 1));
      }
    }
    return sum;
  }

  /** Whether any sample of the family {@code name} is present. */
  boolean has(String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code promtool check metrics} on this text: it must parse (exit 0, or 3 for lint hints only), and
   * no lint hint may concern a keycard family. (Micrometer's standard JVM names draw hints, such as
   * {@code system_cpu_count} ending in {@code _count}; dashboards rely on those names as they are.)
   */
  String checkedByPromtool() {
    String promtool = SystemTools.require("promtool");
    try {
      Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isIn(0, 3);
      assertThat(out).as("lint hints about keycard's own families").doesNotContain("keycard_");
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
