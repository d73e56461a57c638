package dev.keycard.core.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * At the end of a module's test run, a short, loud list of the tests that did not run (aborted by an
 * assumption such as a missing ffmpeg, or disabled), grouped by reason. Registered for every test
 * run of both modules through {@code META-INF/services} in keycard-core's test jar.
 *
 * <p>It writes to the process's real standard error, not {@code System.err}: Surefire redirects the
 * latter into report files, while Maven shows a test JVM's standard error as it is, even under
 * {@code -q}, so the list ends the output of a quiet build whose last lines would otherwise say
 * nothing about what was skipped. A whole class skipped at once (an assumption in {@code @BeforeAll})
 * is listed with the number of tests it held, since Surefire counts those as no test at all.
 */
public final class SkippedTestsReport implements TestExecutionListener {
  private static final int NAMES_PER_REASON = 4;

  private final Map<String, List<String>> byReason = new ConcurrentHashMap<>();
  private final PrintStream out;
  private volatile TestPlan plan;

  /** The one {@code META-INF/services} creates: it writes to the process's real standard error. */
  public SkippedTestsReport() {
    this(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
  }

  SkippedTestsReport(PrintStream out) {
    this.out = out;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    record(id, "disabled: " + reason);
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      record(id, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private void record(TestIdentifier id, String reason) {
    String name = name(id);
    if (id.isContainer() && plan != null) {
      long tests = plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
      name += " (the whole class: " + tests + " tests, which Surefire does not count)";
    }
    byReason.computeIfAbsent(reason == null ? "aborted" : reason, r -> new ArrayList<>()).add(name);
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (byReason.isEmpty()) {
      return;
    }
    int total = byReason.values().stream().mapToInt(List::size).sum();
    StringBuilder text = new StringBuilder(512).append('\n')
        .append("*** SKIPPED: ").append(total).append(total == 1 ? " test" : " tests").append(module())
        .append(" did not run (CI sets KEYCARD_REQUIRE_TOOLS=true, where a missing tool fails instead):\n");
    Map<String, List<String>> sorted = new LinkedHashMap<>();
    byReason.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((reason, names) -> {
      List<String> shown = names.stream().sorted().limit(NAMES_PER_REASON).toList();
      text.append("***   ").append(reason).append(": ").append(String.join(", ", shown));
      if (names.size() > shown.size()) {
        text.append(" and ").append(names.size() - shown.size()).append(" more");
      }
      text.append('\n');
    });
    out.print(text);
    out.flush();
  }

  /** " in keycard-core": Surefire runs each module's tests with {@code basedir} set to the module. */
  private static String module() {
    String basedir = System.getProperty("basedir");
    return basedir == null ? "" : " in " + java.nio.file.Path.of(basedir).getFileName();
  }

  private static String name(TestIdentifier id) {
    return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
        .map(m -> simple(m.getClassName()) + "." + m.getMethodName())
        .orElseGet(() -> {
          String unique = id.getUniqueId();
          int cls = unique.lastIndexOf("[class:");
          return cls >= 0 ? simple(unique.substring(cls + 7, unique.indexOf(']', cls))) : id.getDisplayName();
        });
  }

  private static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
