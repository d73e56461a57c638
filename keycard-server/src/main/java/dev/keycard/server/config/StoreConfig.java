package dev.keycard.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where keycard keeps its state, chosen explicitly by configuration: the embedded H2 database in the
 * data directory (the default: nothing to install), or a shared PostgreSQL database named by
 * {@code --database-url} (several instances on one database). {@code StoreFactory} opens it.
 */
public sealed interface StoreConfig {

  /** The H2 database in {@code dataDir}. */
  record Embedded(Path dataDir) implements StoreConfig {
    public Embedded {
      Objects.requireNonNull(dataDir, "--data-dir");
    }
  }

  /**
   * A PostgreSQL database. The password never comes from the URL (flags show up in {@code ps} and
   * shell history), only from {@code KEYCARD_DATABASE_PASSWORD} or {@code --database-password-file},
   * and never appears in {@link #toString()}.
   *
   * @param jdbcUrl  {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?…]}, without user or password
   * @param user     the user named in the URL, or {@code null} for the driver's default
   * @param password or {@code null} (e.g. a {@code .pgpass} file or trust authentication)
   */
  record Postgres(String jdbcUrl, String user, String password) implements StoreConfig {
    public Postgres {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    @Override
    public String toString() {
      return "Postgres[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "(hidden)") + "]";
    }
  }

  String URL_FORMS = "postgresql://[USER@]HOST[:PORT]/DATABASE or jdbc:postgresql://HOST[:PORT]/DATABASE";

  /**
   * The backend the options name: PostgreSQL with a {@code --database-url}, else the embedded
   * database in {@code dataDir}. Messages name the option and never repeat the URL, which might hold
   * a password.
   *
   * @param databaseUrl {@code --database-url} ({@code KEYCARD_DATABASE_URL}), or {@code null}
   * @param password    from {@code KEYCARD_DATABASE_PASSWORD} or {@code --database-password-file}, or {@code null}
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static StoreConfig of(Path dataDir, String databaseUrl, String password) {
    if (databaseUrl == null || databaseUrl.isBlank()) {
      if (password != null) {
        throw new IllegalArgumentException("a database password was given (KEYCARD_DATABASE_PASSWORD or "
            + "--database-password-file) but no --database-url: without one keycard uses its embedded database");
      }
      return new Embedded(dataDir);
    }
    String url = databaseUrl.strip();
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      refusePassword(url.substring("jdbc:".length()));
      return new Postgres(url, null, password);
    }
    if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
      return fromUri(url, password);
    }
    throw new IllegalArgumentException("--database-url must be a PostgreSQL URL: " + URL_FORMS);
  }

  /** libpq's URI form, as {@code psql} takes it, turned into pgjdbc's. */
  private static Postgres fromUri(String url, String password) {
    refusePassword(url);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--database-url is not a valid URL: " + URL_FORMS);
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("--database-url must name a host: " + URL_FORMS);
    }
    String user = uri.getRawUserInfo() == null ? null : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
    String hostAndPort = uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new Postgres("jdbc:postgresql://" + hostAndPort + path + query, user, password);
  }

  /** {@code USER:PASSWORD@} or a {@code password=} parameter: the password would be a flag value. */
  private static void refusePassword(String url) {
    int authority = url.indexOf("//");
    if (authority >= 0) {
      int end = url.indexOf('/', authority + 2);
      String auth = end < 0 ? url.substring(authority + 2) : url.substring(authority + 2, end);
      int at = auth.lastIndexOf('@');
      if (at >= 0 && auth.substring(0, at).contains(":")) {
        throw passwordInUrl();
      }
    }
    int q = url.indexOf('?');
    if (q >= 0) {
      for (String parameter : url.substring(q + 1).split("&")) {
        if (parameter.toLowerCase(Locale.ROOT).startsWith("password=")) {
          throw passwordInUrl();
        }
      }
    }
  }

  private static IllegalArgumentException passwordInUrl() {
    return new IllegalArgumentException("--database-url must not hold the password (flags and URLs end up in ps, "
        + "shell history and logs): put it in KEYCARD_DATABASE_PASSWORD or a file named by --database-password-file");
  }
}
