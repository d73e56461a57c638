package dev.keycard.server.cli;

import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.throttle.ThrottlePolicy;
import dev.keycard.server.config.Durations;
import dev.keycard.server.config.LoginThrottling;
import java.security.SecureRandom;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Login and client-authentication throttling, the password-hashing pool and the Argon2id parameters
 * of new password hashes (existing hashes carry their own and keep verifying).
 */
final class LoginOptions {
  private static final LoginThrottling DEFAULTS = LoginThrottling.defaults();

  @Option(names = "--login-failures-per-account", paramLabel = "N", defaultValue = "10",
      description = "Failed logins per account (whether or not it exists) within --login-throttle-window: the second "
          + "half are delayed (1s doubling to 8s), the rest answered 429 with Retry-After. An address the account "
          + "logged in from lately has its own count. 0 turns login and client-authentication throttling off. "
          + "Default: ${DEFAULT-VALUE}")
  long accountFailures;

  @Option(names = "--login-failures-per-address", paramLabel = "N", defaultValue = "100",
      description = "Failed logins, and failed client authentications, per client address within the window. "
          + "Default: ${DEFAULT-VALUE}")
  long addressFailures;

  @Option(names = "--client-auth-failures", paramLabel = "N", defaultValue = "20",
      description = "Failed client authentications per client id within the window (/oauth2/token, /oauth2/revoke, "
          + "/oauth2/introspect). Default: ${DEFAULT-VALUE}")
  long clientFailures;

  @Option(names = "--login-throttle-window", paramLabel = "DURATION", defaultValue = "15m",
      description = "How long failures count, from the first. Default: ${DEFAULT-VALUE}")
  String window;

  @Option(names = "--known-address-ttl", paramLabel = "DURATION", defaultValue = "30d",
      description = "How long an address an account logged in from keeps its own failure count. Default: ${DEFAULT-VALUE}")
  String knownAddressTtl;

  @Option(names = "--hashing-threads", paramLabel = "N",
      description = "Password hashes at once, on a pool of their own. Default: the number of cores")
  Integer hashingThreads;

  @Option(names = "--hashing-queue", paramLabel = "N",
      description = "Logins waiting for a hashing thread; beyond it a login is answered 503 with Retry-After "
          + "(after --login-refusal-hold). Default: 8 per hashing thread")
  Integer hashingQueue;

  @Option(names = "--login-refusal-hold", paramLabel = "DURATION", defaultValue = "1s",
      description = "How long a refused login or client authentication (429 throttled, 503 hashing queue full) waits "
          + "for its answer, on a timer, so that a flood costs one answer per connection per hold; 0s answers at once. "
          + "At most 10s. Default: ${DEFAULT-VALUE}")
  String refusalHold;

  @Mixin
  Argon2Options argon2;

  /** @throws IllegalArgumentException naming the option that is wrong */
  LoginThrottling toConfig() {
    Duration w = duration("--login-throttle-window", window);
    ThrottlePolicy policy = accountFailures == 0 ? ThrottlePolicy.OFF
        : new ThrottlePolicy(accountFailures, addressFailures, clientFailures, w,
            duration("--known-address-ttl", knownAddressTtl), LoginThrottling.DEFAULT_POLICY.firstDelay(),
            LoginThrottling.DEFAULT_POLICY.maxDelay());
    int threads = hashingThreads == null ? DEFAULTS.hashingThreads() : hashingThreads;
    int queue = hashingQueue == null ? 8 * threads : hashingQueue;
    return new LoginThrottling(policy, threads, queue, argon2.memoryKib, argon2.iterations, argon2.parallelism,
        DEFAULTS.maxTrackedKeys(), duration("--login-refusal-hold", refusalHold));
  }

  /** Hashes new passwords with the configured parameters. */
  PasswordHasher hasher(SecureRandom random) {
    return argon2.hasher(random);
  }

  private static Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
