package dev.keycard.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that drive a real system tool (ffmpeg, ffprobe) call {@link #require}: a developer machine
 * without it skips them loudly; CI ({@code KEYCARD_REQUIRE_TOOLS=true}) fails instead of skipping.
 */
public final class SystemTools {
  private SystemTools() {}

  /** The absolute path of {@code tool} on the PATH, or a skip / failure when it is missing. */
  public static String require(String tool) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        File f = new File(dir, tool);
        if (f.isFile() && f.canExecute()) {
          return f.getAbsolutePath();
        }
      }
    }
    String message = "*** " + tool + " is not installed: SKIPPING the tests that need it"
        + " (apt-get install -y " + tool + "; CI sets KEYCARD_REQUIRE_TOOLS=true and never skips) ***";
    if ("true".equals(System.getenv("KEYCARD_REQUIRE_TOOLS"))) {
      fail(tool + " is not installed and KEYCARD_REQUIRE_TOOLS=true");
    }
    System.err.println(message);
    Assumptions.abort(message);
    return null;
  }
}
