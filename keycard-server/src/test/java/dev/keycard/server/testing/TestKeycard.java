package dev.keycard.server.testing;

import dev.keycard.core.account.Client;
import dev.keycard.core.account.User;
import dev.keycard.core.change.ChangeFeed;
import dev.keycard.server.SharedState;
import dev.keycard.core.audit.AuditLog;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.store.Stores;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.store.StoreFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A real keycard on a random loopback port with its own data directory, plus a real HTTP client.
 * Users get a deliberately cheap Argon2id (64 KiB, one pass) so tests stay fast; production uses
 * OWASP's parameters.
 */
public final class TestKeycard implements AutoCloseable {
  public static final PasswordHasher FAST_HASHER = new PasswordHasher(new SecureRandom(), 64, 1, 1);
  public static final String ISSUER = "http://127.0.0.1";
  public static final String AUDIENCE = "keycard-api";

  private final ServerConfig config;
  private final StreamingConfig streaming;
  private final Roles roles;
  private final InstantSource clock;
  private final Function<ServerConfig, Stores> backend;
  /** What the server shares with other instances, made anew at each start (a restart closes the old). */
  private Function<ServerConfig, SharedState> shared = c -> SharedState.inProcess();
  private KeycardServer server;
  private TestHttp http;

  private TestKeycard(ServerConfig config, StreamingConfig streaming, Roles roles, InstantSource clock,
      Function<ServerConfig, Stores> backend) {
    this.config = config;
    this.streaming = streaming;
    this.roles = roles;
    this.clock = clock;
    this.backend = backend;
  }

  public static ServerConfig config(Path dataDir) {
    return config(dataDir, Duration.ofMinutes(15));
  }

  public static ServerConfig config(Path dataDir, Duration accessTokenTtl) {
    return new ServerConfig(dataDir, "127.0.0.1", 0, ISSUER, AUDIENCE, accessTokenTtl, TokenFormat.JWT,
        SigningAlgorithm.ES256, null, Duration.ofSeconds(30), Duration.ofDays(14), Duration.ofDays(30),
        Duration.ZERO, 8192);
  }

  public static TestKeycard start(Path dataDir) {
    return start(dataDir, c -> c);
  }

  public static TestKeycard start(Path dataDir, UnaryOperator<ServerConfig> customize) {
    return start(customize.apply(config(dataDir)), InstantSource.system());
  }

  public static TestKeycard start(ServerConfig config, InstantSource clock) {
    return start(config, StreamingConfig.defaults(), clock);
  }

  /** With live-delivery settings of the test's own (a URL scheme, an origin secret, a CDN). */
  public static TestKeycard start(ServerConfig config, StreamingConfig streaming, InstantSource clock) {
    return start(config, streaming, Roles.ALL, clock);
  }

  /** Running only {@code roles}: an edge-only instance, an origin, an API (several may share a data directory). */
  public static TestKeycard start(ServerConfig config, StreamingConfig streaming, Roles roles, InstantSource clock) {
    return start(config, streaming, roles, clock, c -> StoreFactory.open(c.store()));
  }

  /** On stores the test opens itself ({@code backend} is called at each start), to reach into the backend. */
  public static TestKeycard start(ServerConfig config, StreamingConfig streaming, InstantSource clock,
      Function<ServerConfig, Stores> backend) {
    return start(config, streaming, Roles.ALL, clock, backend);
  }

  private static TestKeycard start(ServerConfig config, StreamingConfig streaming, Roles roles, InstantSource clock,
      Function<ServerConfig, Stores> backend) {
    TestKeycard k = new TestKeycard(config, streaming, roles, clock, backend);
    k.startServer();
    return k;
  }

  /**
   * With a change feed to the other instances ({@code feed} is called at each start, e.g. a Redis feed
   * on a {@code RealRedis}), on the store the configuration names.
   */
  public static TestKeycard start(ServerConfig config, InstantSource clock, Function<ServerConfig, ChangeFeed> feed) {
    return startSharing(config, clock, c -> SharedState.feed(feed.apply(c)));
  }

  /**
   * Sharing with the other instances what {@code shared} makes (called at each start: a Redis change
   * feed, rate-limit budgets, login counters or the concurrent-stream count on a {@code RealRedis}), on
   * the store the configuration names.
   */
  public static TestKeycard startSharing(ServerConfig config, InstantSource clock, Function<ServerConfig, SharedState> shared) {
    TestKeycard k = new TestKeycard(config, StreamingConfig.defaults(), Roles.ALL, clock, c -> StoreFactory.open(c.store()));
    k.shared = shared;
    k.startServer();
    return k;
  }

  private void startServer() {
    server = KeycardServer.start(config, streaming, roles, clock, FAST_HASHER, backend.apply(config), shared.apply(config),
        AuditLog.NONE);
    http = new TestHttp("http://127.0.0.1:" + server.port());
  }

  /** The edge's base URL, {@code http://127.0.0.1:EDGE-PORT}. */
  public String edgeBase() {
    return "http://127.0.0.1:" + server.edgePort();
  }

  /**
   * Stops the server and starts a new one on the same data directory (a new random port, unless the
   * configuration names one).
   */
  public void restart() {
    server.close();
    startServer();
  }

  public KeycardServer server() {
    return server;
  }

  public TestHttp http() {
    return http;
  }

  public void addUser(String username, String password, String scope) {
    server.stores().users()
        .add(new User(username, FAST_HASHER.hash(password), Scopes.parse(scope), clock.instant()));
  }

  /** Adds a confidential client and returns its secret. */
  public String addClient(String clientId, String scope) {
    String secret = new Secrets(new SecureRandom()).newToken("kcs_", 32);
    server.stores().clients()
        .add(new Client(clientId, Secrets.hash(secret), Scopes.parse(scope), clock.instant()));
    return secret;
  }

  public void addPublicClient(String clientId, String scope) {
    server.stores().clients()
        .add(new Client(clientId, null, Scopes.parse(scope), clock.instant()));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
