package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.StoreUnavailableException;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.testing.AuthFixture;
import dev.keycard.core.testing.TokenForge;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.server.Services;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Routes#routes} is a plain function: here it serves the core's in-memory fixture instead of
 * the embedded database, on one real HTTP server.
 */
class RoutesTest {
  @TempDir
  Path unused;
  Vertx vertx;
  AuthFixture fixture;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    fixture = new AuthFixture();
    fixture.addUser("quinn", "quinn's password", "stream:view");
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private TestHttp serve(BearerAuthenticator bearer) {
    ServerConfig config = TestKeycard.config(unused);
    config = new ServerConfig(config.dataDir(), config.host(), 0, TokenForge.ISSUER, TokenForge.AUDIENCE,
        config.accessTokenTtl(), config.tokenFormat(), config.algorithm(), null, config.clockSkew(),
        config.refreshIdleTtl(), config.refreshAbsoluteTtl(), config.refreshGrace(), config.maxTokenSize());
    Services services = new Services(config, fixture.server, bearer, false, () -> fixture.ring);
    HttpServer server = vertx.createHttpServer().requestHandler(Routes.routes(vertx, services))
        .listen(0, "127.0.0.1").await();
    return TestHttp.at("http://127.0.0.1:" + server.actualPort());
  }

  @Test
  void routesServeAnyAuthorizationServer() {
    TestHttp http = serve(new BearerAuthenticator(fixture.verifier));
    String access = http.login("quinn", "quinn's password").json().getString("access_token");
    assertThat(http.me(access).json().getString("sub")).isEqualTo("quinn");
  }

  /** An outage must not look like a bad credential (spring-security #7826): 503, never invalid_token. */
  @Test
  void bearerCheckWithUnavailableDenylistIsServiceUnavailable() {
    Denylist down = new Denylist() {
      @Override
      public boolean isRevoked(String id) {
        throw new StoreUnavailableException("denylist down", null);
      }

      @Override
      public void revoke(String id, Instant until) {
        throw new StoreUnavailableException("denylist down", null);
      }
    };
    JwtAccessTokenVerifier verifier = JwtAccessTokenVerifier.builder().issuer(TokenForge.ISSUER)
        .audience(TokenForge.AUDIENCE).keys(() -> fixture.ring)
        .validity(new TokenValidity(fixture.clock, Duration.ofSeconds(30), down)).build();
    TestHttp http = serve(new BearerAuthenticator(verifier));
    String access = http.login("quinn", "quinn's password").json().getString("access_token");

    Answer me = http.me(access);
    assertThat(me.status()).isEqualTo(503);
    assertThat(me.json().getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(me.header("WWW-Authenticate")).isNull();
  }
}
