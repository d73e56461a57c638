package dev.keycard.core.signedurl;

import dev.keycard.core.testing.SystemTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx, started by a test as a child process on a random loopback port with everything
 * (config, pid, logs, temp files, document root) in one temporary directory, and stopped by
 * {@link #close()}. When nginx is not installed the test is skipped with a loud message, unless
 * {@code KEYCARD_REQUIRE_TOOLS=true} (CI), where it fails. Public for the server's tests (test-jar).
 */
public final class RealNginx implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final Process process;
  private final Path dir;
  private final int port;

  private RealNginx(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The installed nginx binary, if any. */
  public static Optional<Path> find() {
    return SystemTools.find("nginx");
  }

  /**
   * The nginx binary; when there is none, the calling test is skipped (call this per test, not in a
   * {@code @BeforeAll}), or fails when {@code KEYCARD_REQUIRE_TOOLS=true}.
   */
  public static Path requireNginx() {
    return Path.of(SystemTools.require("nginx"));
  }

  /**
   * Starts nginx serving {@code dir/www} with the given {@code location} blocks.
   *
   * @param locations text placed inside the {@code server} block, e.g. {@code location /live/ { ... }}
   */
  public static RealNginx start(Path dir, String locations) throws IOException, InterruptedException {
    Path nginx = requireNginx();
    // Workers may run as an unprivileged user: they must be able to read the document root.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freeLoopbackPort();
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, config(dir, port, locations));
      Process p = new ProcessBuilder(nginx.toString(), "-e", dir.resolve("error.log").toString(), "-c", conf.toString(),
          "-p", dir.toString(), "-g", "daemon off;")
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile())
          .start();
      RealNginx running = new RealNginx(p, dir, port);
      if (running.awaitListening()) {
        return running;
      }
      running.close();
      last = new IOException("nginx did not start on port " + port + ": " + running.log());
    }
    throw last;
  }

  public int port() {
    return port;
  }

  public String log() {
    try {
      return Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "(no error.log)";
    } catch (IOException e) {
      return "(error.log unreadable)";
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nginx's fast shutdown, workers included
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException notYet) {
        // Waiting for an external process to bind its port; nothing here measures time.
        Thread.sleep(25);
      }
    }
    return false;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String config(Path dir, int port, String locations) {
    String d = dir.toAbsolutePath().toString();
    return """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
          server {
            listen 127.0.0.1:%2$d;
            root %1$s/www;
        %3$s
          }
        }
        """.formatted(d, port, locations);
  }
}
