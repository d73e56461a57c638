package dev.keycard.server.testing;

/**
 * Tests that drive a real system tool (ffmpeg, ffprobe, nginx, curl, chromium) call {@link #require}
 * inside the test method or a {@code @BeforeEach}, never in a {@code @BeforeAll}: a developer machine
 * without it skips each such test (counted by Surefire, listed at the end of the run); CI
 * ({@code KEYCARD_REQUIRE_TOOLS=true}) fails instead. The rule itself is the core's
 * {@link dev.keycard.core.testing.SystemTools}, shared with the core's nginx tests.
 */
public final class SystemTools {
  private SystemTools() {}

  /** The absolute path of {@code tool}, or a skip / failure when it is missing. */
  public static String require(String tool) {
    return dev.keycard.core.testing.SystemTools.require(tool);
  }
}
