package dev.keycard.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * After the whole unit-test run of this module (every server every test started: logins, refreshes,
 * revocations, rate limits, throttled logins, anomalies, the admin API, streams, the edge), nothing in
 * its log looks like a credential. keycard's own secrets carry prefixes so that scanners find them
 * ({@code kca_}, {@code kcr_}, {@code kcs_}, {@code kcsk_}); JWTs have a recognisable shape; a signed
 * URL carries its signature in a known query parameter. {@code WholeRunSecretScanTest} checks one run
 * at DEBUG for the exact values; this checks everything the suite logged, by shape.
 *
 * <p>Runs as a failsafe integration test: after surefire has written {@code target/test-run.log}.
 */
class WholeRunLogScanIT {
  /** What a leaked credential looks like in a log line. */
  static final List<Pattern> CREDENTIALS = List.of(
      Pattern.compile("\\bkc(a|r|s|sk)_[A-Za-z0-9_-]{16,}"),
      Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}"),
      Pattern.compile("[?&](sig|md5|Signature|Key-Pair-Id|Policy)=[A-Za-z0-9_~%-]{8,}"),
      Pattern.compile("(?i)authorization:\\s*(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}"));

  @Test
  void theWholeTestRunLoggedNoTokenSecretOrSignedUrl() throws IOException {
    Path log = Path.of("target", "test-run.log");
    Assumptions.assumeTrue(Files.exists(log), "no unit-test run before this one (target/test-run.log)");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).as("the unit-test run's log").isNotEmpty();
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (Pattern credential : CREDENTIALS) {
        Matcher m = credential.matcher(line);
        if (m.find()) {
          leaks.add(line.length() > 300 ? line.substring(0, 300) + "…" : line);
        }
      }
    }
    assertThat(leaks).as("log lines that look like a credential, of " + lines.size()).isEmpty();
  }

  @Test
  void theScanRecognisesEachKindOfCredential() {
    List<String> samples = List.of(
        "refresh with kcr_Q2hvb3NlIGEgbG9uZyByYW5kb20gdmFsdWU",
        "client kcs_c2VjcmV0c2VjcmV0c2VjcmV0",
        "key kcsk_c3RyZWFta2V5c3RyZWFta2V5",
        "token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ2aWV3ZXIifQ.c2lnbmF0dXJlc2lnbmF0dXJl",
        "GET /hls/s1/index.m3u8?exp=1&sig=AbCdEfGhIjKlMnOp",
        "Authorization: Bearer kca_b3BhcXVlb3BhcXVl");
    for (String sample : samples) {
      assertThat(CREDENTIALS.stream().anyMatch(p -> p.matcher(sample).find())).as(sample).isTrue();
    }
    assertThat(CREDENTIALS.stream().anyMatch(p -> p.matcher("refresh tokens start with kcr_ and 43 characters").find()))
        .isFalse();
  }
}
