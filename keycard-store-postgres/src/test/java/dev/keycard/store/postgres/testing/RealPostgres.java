package dev.keycard.store.postgres.testing;

import dev.keycard.core.testing.SystemTools;
import dev.keycard.store.postgres.PostgresDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private, real PostgreSQL server for tests: {@code initdb} into a fresh temporary directory, then
 * {@code pg_ctl} on a random loopback port (30000–39999) with its Unix socket in that directory. It
 * trusts nobody: loopback and socket both need a password (SCRAM), generated here, so the password
 * plumbing is exercised. PostgreSQL refuses to run as root, so when the JVM runs as root (as CI does)
 * every command runs as the {@code postgres} system user ({@code runuser}), owner of the directory.
 *
 * <p>Tests may stop it as an operator's immediate shutdown would ({@link #stopImmediately()}: no
 * checkpoint, crash recovery at the next start), kill it ({@link #kill()}), and start it again on the
 * same port ({@link #start()}).
 *
 * <p>Where PostgreSQL is not installed, {@link #create()} skips the calling test, or fails it under
 * {@code KEYCARD_REQUIRE_TOOLS=true}: call it in the test method or a {@code @BeforeEach}.
 */
public final class RealPostgres implements AutoCloseable {
  /** Debian's server binaries are off the PATH, one directory per major version. */
  private static final Path DEBIAN = Path.of("/usr/lib/postgresql");
  private static final String ADMIN = "postgres";
  /** The role keycard connects as: it owns the databases made here, and is no superuser. */
  public static final String USER = "keycard";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final String TEMPLATE = "keycard_template";
  private static RealPostgres shared;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final boolean asPostgresUser;
  private final boolean fsync;
  private final String adminPassword = newPassword();
  private final String password = newPassword();
  private int port;
  private boolean templateReady;

  private RealPostgres(Path bin, Path dir, boolean asPostgresUser, boolean fsync) {
    this.fsync = fsync;
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asPostgresUser = asPostgresUser;
  }

  /**
   * A new server, initialised and started, with the {@link #USER} role; the caller closes it. Durable
   * as PostgreSQL ships ({@code fsync} and {@code synchronous_commit} on): for tests that stop or kill it.
   */
  public static RealPostgres create() {
    return create(true);
  }

  private static RealPostgres create(boolean fsync) {
    Path initdb = Path.of(SystemTools.require("initdb", "postgresql", debianBinDirs()));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      SystemTools.require("runuser", "util-linux", List.of());
    }
    RealPostgres pg;
    try {
      Path dir = Files.createTempDirectory("keycard-pg-");
      pg = new RealPostgres(initdb.getParent(), dir, root, fsync);
      pg.initialise();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      pg.start();
      pg.admin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + pg.password + "'");
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /**
   * One server for the whole test JVM, made at first use and stopped when the JVM exits, for tests
   * that only need a fresh database each ({@link #newDatabase()}), not a server of their own to stop.
   * It runs with {@code fsync} off: its databases are thrown away, and a fresh database per test costs
   * several times as much with it on, on a loaded machine (fsync matters when the operating system
   * crashes; every commit still waits for its WAL to be written, {@code synchronous_commit} is on).
   */
  public static synchronized RealPostgres shared() {
    if (shared == null) {
      shared = create(false);
      RealPostgres pg = shared;
      // No pg_ctl here: a process started from a shutdown hook may outlive the JVM's patience.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pg.postmaster().ifPresent(p -> pg.kill());
        deleteRecursively(pg.dir);
      }, "real-postgres-stop"));
    }
    return shared;
  }

  /**
   * A new database owned by {@link #USER} holding keycard's schema and nothing else, and the settings
   * keycard reaches it with. Copied from a template migrated once per server: a copy takes a fraction
   * of a migration's time. (Keycard's own open then finds the schema up to date.)
   */
  public PostgresDatabase.Settings newDatabase() {
    synchronized (this) {
      if (!templateReady) {
        PostgresDatabase.Settings template = newEmptyDatabase(TEMPLATE);
        PostgresDatabase.open(template).close();
        templateReady = true;
      }
    }
    return newDatabase("keycard_" + DATABASES.incrementAndGet(), " TEMPLATE " + TEMPLATE);
  }

  /** A new database owned by {@link #USER} without any table, for keycard to migrate itself. */
  public PostgresDatabase.Settings newEmptyDatabase() {
    return newEmptyDatabase("keycard_" + DATABASES.incrementAndGet());
  }

  private PostgresDatabase.Settings newEmptyDatabase(String name) {
    return newDatabase(name, "");
  }

  private PostgresDatabase.Settings newDatabase(String name, String template) {
    admin("CREATE DATABASE " + name + " OWNER " + USER + template);
    return PostgresDatabase.Settings.of(jdbcUrl(name), USER, password);
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/NAME}, without user or password. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** libpq's form, as {@code --database-url} takes it: {@code postgresql://keycard@127.0.0.1:PORT/NAME}. */
  public static String databaseUrl(PostgresDatabase.Settings settings) {
    return "postgresql://" + settings.user() + "@" + settings.jdbcUrl().substring("jdbc:postgresql://".length());
  }

  /** The generated password of {@link #USER}. */
  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  /** Starts the server (again): on its port when it had one, else on a free random one. */
  public void start() {
    if (port != 0) {
      pgCtl(List.of("-o", "-p " + port, "-w", "-t", "60", "start"), "start");
      return;
    }
    for (int attempt = 1; ; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(30000, 40000);
      try {
        pgCtl(List.of("-o", "-p " + candidate, "-w", "-t", "60", "start"), "start");
        port = candidate;
        return;
      } catch (IllegalStateException taken) {
        if (attempt >= 5) {
          throw taken;
        }
      }
    }
  }

  /** An immediate shutdown ({@code pg_ctl stop -m immediate}): no checkpoint; the next start recovers from the WAL. */
  public void stopImmediately() {
    pgCtl(List.of("-m", "immediate", "-w", "stop"), "stop -m immediate");
  }

  /** SIGKILL to the postmaster and every process it started, as {@code kill -9} would. */
  public void kill() {
    ProcessHandle postmaster = postmaster().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.addFirst(postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }
    try {
      Files.deleteIfExists(data.resolve("postmaster.pid"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server if it runs and deletes its directory. */
  @Override
  public void close() {
    try {
      if (postmaster().isPresent()) {
        // Immediate: a fast stop would first write a checkpoint of databases about to be deleted.
        stopImmediately();
      }
    } catch (RuntimeException e) {
      postmaster().ifPresent(ProcessHandle::destroyForcibly);
    } finally {
      deleteRecursively(dir);
    }
  }

  private Optional<ProcessHandle> postmaster() {
    Path pidFile = data.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void initialise() throws IOException {
    Path passwordFile = dir.resolve("admin-password");
    Files.writeString(passwordFile, adminPassword + "\n");
    if (asPostgresUser) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(ADMIN));
      Files.setOwner(passwordFile, users.lookupPrincipalByName(ADMIN));
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ADMIN, "--pwfile=" + passwordFile,
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"), "initdb");
    Files.delete(passwordFile);
    // Loopback and the private socket only, each with a password; nothing trusted.
    append(data.resolve("pg_hba.conf"), """

        # keycard tests: a password on every connection, loopback only.
        local all all scram-sha-256
        host  all all 127.0.0.1/32 scram-sha-256
        """);
    append(data.resolve("postgresql.conf"), """

        # keycard tests
        listen_addresses = '127.0.0.1'
        unix_socket_directories = '%s'
        max_connections = 300
        synchronous_commit = on
        fsync = %s
        logging_collector = off
        """.formatted(dir, fsync ? "on" : "off"));
  }

  private void append(Path file, String text) throws IOException {
    // initdb wrote the file as the postgres user; appending keeps its owner and mode.
    Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  private void admin(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), ADMIN, adminPassword);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused an administrative statement: " + e.getMessage(), e);
    }
  }

  private void pgCtl(List<String> args, String what) {
    List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
        "-l", dir.resolve("server.log").toString()));
    command.addAll(args);
    run(command, "pg_ctl " + what);
  }

  private void run(List<String> command, String what) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", ADMIN, "--"));
    }
    full.addAll(command);
    try {
      Path out = Files.createTempFile("keycard-pg-cmd", ".log");
      try {
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(what + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + Files.readString(out)
              + serverLog());
        }
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }

  private String serverLog() {
    try {
      Path log = dir.resolve("server.log");
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log);
      return "\nserver log (end):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static List<Path> debianBinDirs() {
    if (!Files.isDirectory(DEBIAN)) {
      return List.of();
    }
    try (Stream<Path> versions = Files.list(DEBIAN)) {
      return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
          .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString())).reversed())
          .map(v -> v.resolve("bin")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * In the background: a server's directory holds thousands of files per database, which takes a
   * loaded machine longer to unlink than a test (or the JVM's exit) should wait.
   */
  private static void deleteRecursively(Path root) {
    try {
      new ProcessBuilder("rm", "-rf", "--", root.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      // A leftover temporary directory is not worth failing a test over.
    }
  }
}
