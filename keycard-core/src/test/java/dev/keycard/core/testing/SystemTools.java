package dev.keycard.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that drive a real system tool (ffmpeg, ffprobe, nginx, curl, chromium,
 * chromedriver): when the tool is missing, the calling test is skipped, loudly, unless
 * {@code KEYCARD_REQUIRE_TOOLS=true} (CI), where it fails.
 *
 * <p>Call {@link #require} inside the test method or a {@code @BeforeEach}, never in a
 * {@code @BeforeAll}: an abort there skips the class as a whole, which Surefire counts as no test at
 * all, so the skip vanishes from the totals. Per test, each one is counted as skipped, and
 * {@link SkippedTestsReport} lists them at the end of the module's test run.
 */
public final class SystemTools {
  /** Where Debian puts daemons such as nginx; a CI PATH may lack them. */
  private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

  private SystemTools() {}

  /** The tool's executable on the PATH (or in an sbin directory), if there is one. */
  public static Optional<Path> find(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
    dirs.addAll(SBIN);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /**
   * The absolute path of {@code tool}; when it is missing, aborts the calling test (counted as
   * skipped, named in the end-of-run summary), or fails it when {@code KEYCARD_REQUIRE_TOOLS=true}.
   */
  public static String require(String tool) {
    return require(tool, debianPackage(tool), List.of());
  }

  /**
   * {@link #require(String)} for a tool Debian installs off the PATH as well (PostgreSQL's
   * {@code /usr/lib/postgresql/15/bin}): {@code moreDirs} are searched after the PATH.
   */
  public static String require(String tool, String debianPackage, List<Path> moreDirs) {
    Optional<Path> found = find(tool).or(() -> moreDirs.stream().map(d -> d.resolve(tool))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst());
    if (found.isPresent()) {
      return found.get().toAbsolutePath().toString();
    }
    String message = tool + " is not installed (apt-get install -y " + debianPackage + ")";
    if ("true".equals(System.getenv("KEYCARD_REQUIRE_TOOLS"))) {
      fail(message + " and KEYCARD_REQUIRE_TOOLS=true");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static String debianPackage(String tool) {
    return switch (tool) {
      case "ffprobe" -> "ffmpeg";
      case "chromedriver" -> "chromium-driver";
      default -> tool;
    };
  }
}
