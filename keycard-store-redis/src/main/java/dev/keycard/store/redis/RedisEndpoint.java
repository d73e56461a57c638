package dev.keycard.store.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Which Redis to use and how to log in: a {@code redis://}, {@code rediss://} (TLS) or
 * {@code redis-sentinel://} URL, with the password in the URL or given apart (read by the caller
 * from a file or the environment). Validated when built; {@link #toString()} never shows the password
 * and no message repeats the URL, which may hold one. Shared by every Redis use in this module.
 *
 * @param url      the URL as given, possibly holding a password
 * @param password a password given apart from the URL, or {@code null}
 */
public record RedisEndpoint(String url, String password) {
  /** The forms {@code --redis-url} takes, for messages and help. */
  public static final String URL_FORMS = "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss://… (TLS) or "
      + "redis-sentinel://[[USER]:PASSWORD@]HOST[:PORT][,HOST2[:PORT2]][/DB]#MASTER";

  /** How long a command (a publish, a subscribe) may wait for Redis before it counts as failed. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** @throws IllegalArgumentException naming {@code --redis-url}, never repeating it */
  public RedisEndpoint {
    Objects.requireNonNull(url, "url");
    url = url.strip();
    String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    if (!scheme.equals("redis") && !scheme.equals("rediss") && !scheme.equals("redis-sentinel")) {
      throw new IllegalArgumentException("--redis-url must be " + URL_FORMS);
    }
    RedisURI parsed = parse(url);
    if (parsed.getHost() == null && parsed.getSentinels().isEmpty()) {
      throw new IllegalArgumentException("--redis-url must name a host: " + URL_FORMS);
    }
    if (scheme.equals("redis-sentinel") && (parsed.getSentinelMasterId() == null || parsed.getSentinelMasterId().isBlank())) {
      throw new IllegalArgumentException("--redis-url: a redis-sentinel:// URL names its master after '#': " + URL_FORMS);
    }
    if (password != null && password.isEmpty()) {
      password = null;
    }
    if (password != null && hasPassword(parsed)) {
      throw new IllegalArgumentException("the Redis password was given twice, in --redis-url and apart from it "
          + "(--redis-password-file or KEYCARD_REDIS_PASSWORD): keep one");
    }
  }

  /** The URL for the client, with the password given apart (if any) and this module's timeouts. */
  RedisURI toUri() {
    RedisURI uri = parse(url);
    if (password != null) {
      RedisCredentials inUrl = credentials(uri);
      String user = inUrl != null && inUrl.hasUsername() ? inUrl.getUsername() : null;
      uri.setCredentialsProvider(new StaticCredentialsProvider(user, password.toCharArray()));
      for (RedisURI sentinel : uri.getSentinels()) {
        // Sentinels usually share the data nodes' password (requirepass on both).
        sentinel.setCredentialsProvider(new StaticCredentialsProvider(null, password.toCharArray()));
      }
    }
    uri.setTimeout(COMMAND_TIMEOUT);
    return uri;
  }

  /** Where it points, for logs: hosts and ports (or sentinels and master), never a password. */
  public String where() {
    RedisURI uri = parse(url);
    StringBuilder s = new StringBuilder(uri.isSsl() ? "rediss://" : "redis://");
    if (!uri.getSentinels().isEmpty()) {
      s.setLength(0);
      s.append("redis-sentinel://");
      for (int i = 0; i < uri.getSentinels().size(); i++) {
        RedisURI sentinel = uri.getSentinels().get(i);
        s.append(i == 0 ? "" : ",").append(sentinel.getHost()).append(':').append(sentinel.getPort());
      }
      s.append('#').append(uri.getSentinelMasterId());
    } else {
      s.append(uri.getHost()).append(':').append(uri.getPort());
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "RedisEndpoint[" + where() + ", password=" + (password != null || hasPasswordInUrl() ? "(hidden)" : "none") + "]";
  }

  private boolean hasPasswordInUrl() {
    return hasPassword(parse(url));
  }

  private static boolean hasPassword(RedisURI uri) {
    RedisCredentials credentials = credentials(uri);
    return credentials != null && credentials.hasPassword() && credentials.getPassword().length > 0;
  }

  /** What the URL itself holds (Lettuce's provider for a parsed URL answers at once). */
  private static RedisCredentials credentials(RedisURI uri) {
    RedisCredentialsProvider provider = uri.getCredentialsProvider();
    return provider == null ? null : provider.resolveCredentials().block(Duration.ofSeconds(1));
  }

  private static RedisURI parse(String url) {
    try {
      return RedisURI.create(url);
    } catch (RuntimeException e) { // its message may quote the URL, password included
      throw new IllegalArgumentException("--redis-url is not a valid Redis URL: " + URL_FORMS);
    }
  }
}
