package dev.keycard.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ListenerLimits;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import dev.keycard.store.postgres.PostgresDatabase;
import dev.keycard.store.postgres.testing.RealPostgres;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a keycard instance (a child JVM running {@code keycard serve --database-url})
 * while clients refresh in a loop and log out: another instance started on the same database honours
 * every rotation and revocation the killed one acknowledged. A refresh whose rotation committed but
 * whose answer the kill swallowed is the grace window's case: the client's retry with its last
 * acknowledged token gets the successor (30 s here, so a slow start of the other instance on a loaded
 * machine stays inside it).
 */
class PostgresKilledInstanceTest {
  private static final int CLIENTS = 6;

  @TempDir
  Path dir;
  private PostgresDatabase.Settings database;
  private Process child;
  private TestKeycard survivor;

  @BeforeEach
  void freshDatabase() {
    database = RealPostgres.shared().newDatabase();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    if (survivor != null) {
      survivor.close();
    }
  }

  /** What one client was last told. */
  private static final class Client {
    final String name;
    volatile String lastRefresh;
    volatile String loggedOutAccess;
    volatile String loggedOutRefresh;

    Client(String name) {
      this.name = name;
    }
  }

  @Test
  void everyRotationAndRevocationAKilledInstanceAcknowledgedHoldsOnAnotherInstance() throws Exception {
    String url = RealPostgres.databaseUrl(database);
    Map<String, String> env = Map.of("KEYCARD_DATABASE_PASSWORD", database.password());
    StringWriter err = new StringWriter();
    int added = KeycardCommand.execute(new String[] {"users", "add", "viewer", "--password-stdin", "--scope", "profile",
            "--data-dir", dir.resolve("cli").toString(), "--database-url", url},
        new ByteArrayInputStream("viewer's password\n".getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), env);
    assertThat(added).as(err.toString()).isZero();

    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder serve = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        KeycardCommand.class.getName(), "serve", "--port", Integer.toString(port), "--edge-port",
        Integer.toString(freePort()), "--management-port", "0", "--no-demo-stream", "--issuer", TestKeycard.ISSUER, "--audience",
        TestKeycard.AUDIENCE, "--algorithm", "ES256", "--refresh-grace", "30s", "--data-dir",
        dir.resolve("killed").toString(), "--database-url", url)
        .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile());
    serve.environment().putAll(env);
    child = serve.start();
    TestHttp http = TestHttp.at("http://127.0.0.1:" + port);
    awaitHealth(http);

    List<Client> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger acknowledged = new AtomicInteger();
    for (int i = 0; i < CLIENTS; i++) {
      Client c = new Client("client-" + i);
      clients.add(c);
      JsonObject login = http.login("viewer", "viewer's password").json();
      c.lastRefresh = login.getString("refresh_token");
      boolean logsOut = i % 3 == 0;
      threads.add(Thread.ofPlatform().start(() -> {
        int n = 0;
        while (!killed.get()) {
          try {
            if (logsOut && ++n == 5) {
              JsonObject session = http.login("viewer", "viewer's password").json();
              Answer out = http.post("/auth/logout", null, "", "Authorization", "Bearer " + session.getString("access_token"));
              if (out.status() == 204) {
                c.loggedOutAccess = session.getString("access_token");
                c.loggedOutRefresh = session.getString("refresh_token");
              }
              continue;
            }
            Answer r = http.refresh(c.lastRefresh);
            if (r.status() == 200) {
              c.lastRefresh = r.json().getString("refresh_token");
              acknowledged.incrementAndGet();
            }
          } catch (RuntimeException connectionLost) {
            return; // the kill: this request got no answer
          }
        }
      }));
    }
    while (acknowledged.get() < 60) {
      Thread.sleep(20);
    }
    child.destroyForcibly(); // SIGKILL on Linux, mid-traffic
    child.waitFor(10, TimeUnit.SECONDS);
    killed.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }

    survivor = TestKeycard.start(survivorConfig(), StreamingConfig.defaults(), InstantSource.system());
    for (Client c : clients) {
      assertThat(survivor.http().refresh(c.lastRefresh).status())
          .as("%s's last acknowledged refresh token (or its retry inside the grace window)", c.name).isEqualTo(200);
      if (c.loggedOutAccess != null) {
        assertThat(survivor.http().me(c.loggedOutAccess).status()).as("%s's logout", c.name).isEqualTo(401);
        assertThat(survivor.http().refresh(c.loggedOutRefresh).status()).isEqualTo(400);
      }
    }
    assertThat(clients).anySatisfy(c -> assertThat(c.loggedOutAccess).isNotNull());
    System.out.println("rotations acknowledged before the kill: " + acknowledged.get());
  }

  private ServerConfig survivorConfig() {
    StoreConfig store = new StoreConfig.Postgres(database.jdbcUrl(), database.user(), database.password());
    return new ServerConfig(dir.resolve("survivor"), "127.0.0.1", 0, TestKeycard.ISSUER, TestKeycard.AUDIENCE,
        Duration.ofMinutes(15), TokenFormat.JWT, SigningAlgorithm.ES256, null, Duration.ofSeconds(30),
        Duration.ofDays(14), Duration.ofDays(30), Duration.ofSeconds(30), 8192, ListenerLimits.defaults(), store,
        Duration.ofSeconds(1));
  }

  private void awaitHealth(TestHttp http) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("keycard serve exited: %s", log()).isTrue();
      try {
        if (http.get("/health").status() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("keycard serve did not answer /health: " + log());
  }

  private String log() throws Exception {
    Path log = dir.resolve("killed.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
