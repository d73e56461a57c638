package dev.keycard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The end-of-run list of tests that did not run, checked on fixtures run by a private launcher. */
class SkippedTestsReportTest {
  /** Not a test class of the build (its name does not end in Test): run only by {@link #run}. */
  static class AbortsPerTestFixture {
    @Test
    void needsATool() {
      Assumptions.abort("frobnicator is not installed");
    }

    @Test
    void runs() {}

    @Disabled("broken on purpose")
    @Test
    void disabled() {}
  }

  static class AbortsInBeforeAllFixture {
    @BeforeAll
    static void needsATool() {
      Assumptions.abort("frobnicator is not installed");
    }

    @Test
    void one() {}

    @Test
    void two() {}
  }

  private static String run(Class<?> fixture) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    // Without auto-registration: the build's own report must not list these fixtures.
    var launcher = LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build());
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(),
        new SkippedTestsReport(new PrintStream(buffer, true, StandardCharsets.UTF_8)));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsEachSkippedTestWithItsReason() {
    String report = run(AbortsPerTestFixture.class);

    assertThat(report).contains("*** SKIPPED: 2 tests")
        .contains("frobnicator is not installed: SkippedTestsReportTest$AbortsPerTestFixture.needsATool")
        .contains("disabled: broken on purpose: SkippedTestsReportTest$AbortsPerTestFixture.disabled")
        .doesNotContain(".runs");
  }

  @Test
  void aClassSkippedAsAWholeIsListedWithTheTestsItHeld() {
    assertThat(run(AbortsInBeforeAllFixture.class))
        .contains("frobnicator is not installed: SkippedTestsReportTest$AbortsInBeforeAllFixture (the whole class: 2 tests");
  }

  @Test
  void saysNothingWhenEverythingRan() {
    assertThat(run(RunsFixture.class)).isEmpty();
  }

  static class RunsFixture {
    @Test
    void runs() {}
  }
}
