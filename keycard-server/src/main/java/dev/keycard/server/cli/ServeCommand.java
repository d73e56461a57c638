package dev.keycard.server.cli;

import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.ServerConfig;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code keycard serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the authorization and resource server.",
    sortOptions = false)
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  KeycardCommand parent;

  @Mixin
  ServerOptions options;

  @Mixin
  StreamOptions streamOptions;

  @Mixin
  ObservabilityOptions observabilityOptions;

  @Mixin
  LoginOptions loginOptions;

  @Mixin
  RoleOptions roleOptions;

  @Mixin
  AnomalyOptions anomalyOptions;

  @Mixin
  StreamLimitOptions streamLimitOptions;

  @Mixin
  RateLimitOptions rateLimitOptions;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config = rateLimitOptions.apply(streamLimitOptions.applyTo(
        observabilityOptions.applyTo(options.toConfig(parent.environment, false))));
    config = config.withAbuse(config.abuse().withAnomalies(anomalyOptions.toConfig()).withLogins(loginOptions.toConfig()));
    try (KeycardServer server = options.start(config, streamOptions.toConfig(false, parent.environment),
        roleOptions.toConfig(), InstantSource.system(), loginOptions.hasher(new SecureRandom()), parent.environment)) {
      awaitShutdown(server);
    }
    return 0;
  }

  /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then lets the caller close the server. */
  static void awaitShutdown(KeycardServer server) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "keycard-shutdown"));
    try {
      stop.await();
    } finally {
      server.close();
      closed.countDown();
    }
  }
}
