package dev.keycard.server.cli;

import dev.keycard.core.password.PasswordHasher;
import java.security.SecureRandom;
import picocli.CommandLine.Option;

/**
 * The Argon2id parameters of new password hashes ({@code serve}, {@code demo}, {@code users add}).
 * A hash carries its own parameters, so changing them never breaks existing passwords: they keep
 * verifying with theirs, and new ones get these.
 */
final class Argon2Options {
  @Option(names = "--argon2-memory", paramLabel = "KIB", defaultValue = "" + PasswordHasher.OWASP_MEMORY_KIB,
      description = "Argon2id memory of new password hashes, in KiB. Default: ${DEFAULT-VALUE} (19 MiB, OWASP)")
  int memoryKib;

  @Option(names = "--argon2-iterations", paramLabel = "N", defaultValue = "" + PasswordHasher.OWASP_ITERATIONS,
      description = "Argon2id passes of new password hashes. Default: ${DEFAULT-VALUE} (OWASP)")
  int iterations;

  @Option(names = "--argon2-parallelism", paramLabel = "N", defaultValue = "" + PasswordHasher.OWASP_PARALLELISM,
      description = "Argon2id lanes of new password hashes. Default: ${DEFAULT-VALUE} (OWASP)")
  int parallelism;

  /** @throws IllegalArgumentException naming the option that is wrong */
  PasswordHasher hasher(SecureRandom random) {
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException("--argon2-parallelism must be between 1 and 64");
    }
    if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("--argon2-memory must be at least 8 KiB per lane and at most 4 GiB (in KiB)");
    }
    if (iterations < 1 || iterations > 100) {
      throw new IllegalArgumentException("--argon2-iterations must be between 1 and 100");
    }
    return new PasswordHasher(random, memoryKib, iterations, parallelism);
  }
}
