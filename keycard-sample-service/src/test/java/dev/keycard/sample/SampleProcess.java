package dev.keycard.sample;

import dev.keycard.server.testing.TestHttp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample service as its own JVM process, started from this test's class path with an environment
 * of the test's choosing and any free port; stopped by its handle.
 */
final class SampleProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("sample service listening on port (\\d+)");

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final TestHttp http;

  private SampleProcess(Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SampleService.class.getName()).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("SERVER_PORT", "0");
    builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
    process = builder.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (output) {
            output.add(line);
          }
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
      port.completeExceptionally(new IllegalStateException("the sample service ended before it listened"));
    }, "sample-service-output");
    reader.setDaemon(true);
    reader.start();
    try {
      http = TestHttp.at("http://127.0.0.1:" + port.get(90, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the sample service did not start:\n" + output(), e);
    }
  }

  static SampleProcess start(Map<String, String> env) throws Exception {
    return new SampleProcess(env);
  }

  TestHttp http() {
    return http;
  }

  /** Everything it printed so far. */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
