package dev.keycard.server.config;

import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.throttle.ThrottlePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Login and client-authentication throttling, and the bounded pool that password hashing runs on.
 *
 * @param policy          failures tolerated per account, address and client id, and for how long
 * @param hashingThreads  Argon2id hashes at once: more than the cores only adds memory (19 MiB each at
 *                        the default) and measured 25–30% less throughput
 * @param hashingQueue    logins waiting for a hashing thread; beyond it, 503 with {@code Retry-After}
 * @param argon2MemoryKib Argon2id memory of new hashes (existing hashes keep their own parameters)
 * @param maxTrackedKeys  counters kept in process (accounts, addresses, clients); the least recently used go first
 * @param refusalHold     how long a refused attempt (429 throttled, 503 hashing queue full) waits for its
 *                        answer, on a timer: a flood then costs the event loops one answer per connection
 *                        and hold, not as many as the flooder can send (zero answers at once)
 */
public record LoginThrottling(ThrottlePolicy policy, int hashingThreads, int hashingQueue, int argon2MemoryKib,
    int argon2Iterations, int argon2Parallelism, long maxTrackedKeys, Duration refusalHold) {

  /** What {@code --login-refusal-hold} is unless set. */
  public static final Duration DEFAULT_REFUSAL_HOLD = Duration.ofSeconds(1);

  /** 10 failures per account, 100 per address, 20 per client id, in 15 minutes; delays 1 s doubling to 8 s. */
  public static final ThrottlePolicy DEFAULT_POLICY = new ThrottlePolicy(10, 100, 20, Duration.ofMinutes(15),
      Duration.ofDays(30), Duration.ofSeconds(1), Duration.ofSeconds(8));

  /** @throws IllegalArgumentException naming the option that is wrong */
  public LoginThrottling {
    Objects.requireNonNull(policy, "policy");
    require(hashingThreads >= 1 && hashingThreads <= 256, "--hashing-threads must be between 1 and 256");
    require(hashingQueue >= 0 && hashingQueue <= 100_000, "--hashing-queue must be between 0 and 100000");
    require(argon2Parallelism >= 1 && argon2Parallelism <= 64, "--argon2-parallelism must be between 1 and 64");
    require(argon2MemoryKib >= 8 * argon2Parallelism && argon2MemoryKib <= 4 * 1024 * 1024,
        "--argon2-memory must be at least 8 KiB per lane and at most 4 GiB (in KiB)");
    require(argon2Iterations >= 1 && argon2Iterations <= 100, "--argon2-iterations must be between 1 and 100");
    require(maxTrackedKeys >= 1, "maxTrackedKeys must be at least 1");
    Objects.requireNonNull(refusalHold, "refusalHold");
    require(!refusalHold.isNegative() && refusalHold.compareTo(Duration.ofSeconds(10)) <= 0,
        "--login-refusal-hold must be between 0 and 10s");
  }

  /** One hashing thread per core, a queue of eight per thread, OWASP's first Argon2id set (19 MiB, 2 passes, 1 lane). */
  public static LoginThrottling defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new LoginThrottling(DEFAULT_POLICY, cores, 8 * cores, PasswordHasher.OWASP_MEMORY_KIB,
        PasswordHasher.OWASP_ITERATIONS, PasswordHasher.OWASP_PARALLELISM, 100_000, DEFAULT_REFUSAL_HOLD);
  }

  public LoginThrottling withPolicy(ThrottlePolicy value) {
    return new LoginThrottling(value, hashingThreads, hashingQueue, argon2MemoryKib, argon2Iterations,
        argon2Parallelism, maxTrackedKeys, refusalHold);
  }

  public LoginThrottling withHashing(int threads, int queue) {
    return new LoginThrottling(policy, threads, queue, argon2MemoryKib, argon2Iterations, argon2Parallelism,
        maxTrackedKeys, refusalHold);
  }

  public LoginThrottling withRefusalHold(Duration value) {
    return new LoginThrottling(policy, hashingThreads, hashingQueue, argon2MemoryKib, argon2Iterations,
        argon2Parallelism, maxTrackedKeys, value);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
