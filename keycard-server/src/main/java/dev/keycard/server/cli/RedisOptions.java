package dev.keycard.server.cli;

import dev.keycard.core.change.ChangeFeed;
import dev.keycard.core.streamlimit.PlaybackActivity;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.store.redis.RedisPlaybackActivity;
import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.throttle.InMemoryAttemptCounters;
import dev.keycard.store.redis.RedisAttemptCounters;
import dev.keycard.core.ratelimit.SharedBudgets;
import dev.keycard.store.redis.RedisBudgets;
import dev.keycard.store.redis.RedisChangeFeed;
import java.time.InstantSource;
import dev.keycard.store.redis.RedisEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --redis-url} and its password: the change feed that carries revocations, key rotations and
 * new streams between instances on one database within milliseconds. Without it, instances still
 * learn of each other's changes, by the periodic catch-up.
 */
final class RedisOptions {
  static final String PASSWORD_ENV = "KEYCARD_REDIS_PASSWORD";

  @Option(names = "--redis-url", paramLabel = "URL",
      description = "Tell the other instances on the same database about revocations, key rotations and new streams "
          + "through this Redis (pub/sub), within milliseconds: " + RedisEndpoint.URL_FORMS + ". A password in the URL "
          + "is better passed as KEYCARD_REDIS_URL than as a flag; or use --redis-password-file or " + PASSWORD_ENV + ".")
  String redisUrl;

  @Option(names = "--redis-password-file", paramLabel = "FILE",
      description = "A file holding the password for --redis-url. Alternatively " + PASSWORD_ENV + ".")
  Path redisPasswordFile;

  /**
   * The Redis the options name, or empty.
   *
   * @throws IllegalArgumentException naming the option that is wrong, never repeating a password
   */
  Optional<RedisEndpoint> endpoint(Map<String, String> environment) {
    String password = password(environment);
    if (redisUrl == null || redisUrl.isBlank()) {
      if (password != null) {
        throw new IllegalArgumentException("a Redis password was given (" + PASSWORD_ENV
            + " or --redis-password-file) but no --redis-url");
      }
      return Optional.empty();
    }
    return Optional.of(new RedisEndpoint(redisUrl, password));
  }

  /**
   * The change feed the options name ({@link ChangeFeed#NONE} without {@code --redis-url}); it never
   * fails because Redis is down, and retries every {@code retry}. The caller closes it.
   */
  ChangeFeed openFeed(Map<String, String> environment, Duration retry) {
    return endpoint(environment).<ChangeFeed>map(e -> RedisChangeFeed.open(e, retry)).orElse(ChangeFeed.NONE);
  }

  /**
   * The concurrent-stream count shared through the Redis the options name, or {@code null} (no Redis,
   * or no limit: the server keeps its own). The caller closes it.
   *
   * @param retention the longest a playback lasts (ticket life plus playback-session life)
   */
  PlaybackActivity openPlaybackActivity(Map<String, String> environment, StreamLimits limits, Duration retention,
      InstantSource clock, Duration retry) {
    if (!limits.enabled()) {
      return null;
    }
    return endpoint(environment).map(e -> RedisPlaybackActivity.open(e, limits.rule(), retention, clock, retry))
        .orElse(null);
  }

  /**
   * The counters of failed logins and client authentications: in Redis with {@code --redis-url}, shared
   * by every instance (in this process while Redis is away), else in this process. The caller closes them.
   */
  AttemptCounters openAttemptCounters(Map<String, String> environment, Duration retry, long maxLocalKeys) {
    return endpoint(environment).<AttemptCounters>map(
            e -> RedisAttemptCounters.open(e, retry, InstantSource.system(), maxLocalKeys))
        .orElseGet(() -> new InMemoryAttemptCounters(InstantSource.system(), maxLocalKeys));
  }

  /**
   * The shared rate-limit budgets in the Redis the options name, or empty without {@code --redis-url}
   * (local buckets). Never fails because Redis is down. The caller closes them.
   */
  Optional<SharedBudgets> openBudgets(Map<String, String> environment, Duration retry) {
    return endpoint(environment).map(e -> RedisBudgets.open(e, retry));
  }

  /** The file wins over the variable, as for the other secrets. */
  private String password(Map<String, String> environment) {
    if (redisPasswordFile != null) {
      String password;
      try {
        // Trailing newlines from `echo > file` are not part of the password.
        password = Files.readString(redisPasswordFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --redis-password-file " + redisPasswordFile);
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("--redis-password-file " + redisPasswordFile + " is empty");
      }
      return password;
    }
    String fromEnvironment = environment.get(PASSWORD_ENV);
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }
}
