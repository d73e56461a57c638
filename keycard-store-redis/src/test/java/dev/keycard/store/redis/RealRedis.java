package dev.keycard.store.redis;

import dev.keycard.core.testing.SystemTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} for one test: its own temporary directory, a random loopback port
 * in 40000–49999, nothing saved to disk ({@code --save '' --appendonly no}). Tests stop it gently,
 * {@link #kill()} it ({@code SIGKILL} to its PID, nothing else) and {@link #start()} it again on the
 * same port, as an operator's Redis comes back.
 *
 * <p>Call {@link #start(Path)} inside the test method or a {@code @BeforeEach}: without
 * {@code redis-server} the test is skipped, loudly, or fails under {@code KEYCARD_REQUIRE_TOOLS=true}.
 */
public final class RealRedis implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(20);

  private final String executable;
  private final Path dir;
  private final int port;
  private final String password;
  private Process process;

  private RealRedis(String executable, Path dir, int port, String password) {
    this.executable = executable;
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** A Redis without a password in {@code dir} (a test's {@code @TempDir}). */
  public static RealRedis start(Path dir) {
    return start(dir, null);
  }

  /** A Redis that requires {@code password} ({@code requirepass}), or none when it is null. */
  public static RealRedis start(Path dir, String password) {
    String executable = SystemTools.require("redis-server");
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      RealRedis redis = new RealRedis(executable, dir.resolve("redis-" + attempt), randomPort(), password);
      try {
        redis.start();
        return redis;
      } catch (IllegalStateException e) { // most likely the port was taken: try another
        last = e;
        redis.kill();
      }
    }
    throw last;
  }

  private static int randomPort() {
    return ThreadLocalRandom.current().nextInt(40_000, 50_000);
  }

  /** Starts (again) on this port; blocks until it answers {@code PING}. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      Files.createDirectories(dir);
      List<String> command = new ArrayList<>(List.of(executable, "--port", String.valueOf(port),
          "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
          "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
      if (password != null) {
        command.addAll(List.of("--requirepass", password));
      }
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
      }
      if (pings()) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("redis-server on port " + port + " did not answer within " + READY + ": " + log());
  }

  /** {@code SIGKILL} to this Redis's PID, as {@code kill -9}: connections drop without a goodbye. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly(); // SIGKILL on Unix
      waitFor();
    }
  }

  /** {@code SIGTERM}: Redis closes its connections and exits. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      waitFor();
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** {@code redis://127.0.0.1:PORT}, without the password. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    kill();
  }

  private void waitFor() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server " + process.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A raw RESP {@code PING} (with {@code AUTH} first when there is a password): no client library needed. */
  private boolean pings() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      if (password != null) {
        out.write(("*2\r\n$4\r\nAUTH\r\n$" + password.getBytes(StandardCharsets.UTF_8).length + "\r\n" + password + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64];
      StringBuilder answer = new StringBuilder();
      while (!answer.toString().contains("PONG")) {
        int n = in.read(buffer);
        if (n < 0) {
          return false;
        }
        answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        if (answer.indexOf("-") == 0 && answer.indexOf("\r\n") > 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      Path file = dir.resolve("redis.log");
      if (!Files.exists(file)) {
        file = dir.resolve("stdout.log");
      }
      List<String> lines = Files.readAllLines(file);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
