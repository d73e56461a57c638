package dev.keycard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.testing.AuthFixture;
import dev.keycard.core.testing.TokenForge;
import dev.keycard.server.Services;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.http.ClientAddresses;
import dev.keycard.server.http.Routes;
import dev.keycard.server.monitoring.Monitoring;
import dev.keycard.server.login.CredentialProtections;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client hammering a spent budget must not flood the audit trail: one {@code rate.limited} event
 * per session and window, naming the session and token by id only.
 */
class RateLimitAuditTest {
  @TempDir
  Path unused;
  private Vertx vertx;
  private final AuthFixture fixture = new AuthFixture();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private TestHttp http;

  @BeforeEach
  void serve() {
    vertx = Vertx.vertx();
    fixture.addUser("quinn", "quinn's password", "profile");
    ServerConfig config = TestKeycard.config(unused);
    config = new ServerConfig(config.dataDir(), config.host(), 0, TokenForge.ISSUER, TokenForge.AUDIENCE,
        config.accessTokenTtl(), config.tokenFormat(), config.algorithm(), null, config.clockSkew(),
        config.refreshIdleTtl(), config.refreshAbsoluteTtl(), config.refreshGrace(), config.maxTokenSize());
    Services services = new Services(config, fixture.server, new BearerAuthenticator(fixture.verifier), false,
        () -> fixture.ring, null, new Monitoring(new SimpleMeterRegistry(), events::add),
        new ClientAddresses(config.abuse().trustedProxies()), null, null,
        CredentialProtections.inProcess(config.abuse().logins(), Monitoring.inMemory(), fixture.clock),
        new LocalRateLimiter(new RatePolicies(RatePolicy.parse("3/1m"), List.of()), fixture.clock));
    HttpServer server = vertx.createHttpServer().requestHandler(Routes.routes(vertx, services))
        .listen(0, "127.0.0.1").await();
    http = TestHttp.at("http://127.0.0.1:" + server.actualPort());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aSpentBudgetIsAuditedOncePerWindowHoweverManyRequestsAreRefused() {
    String access = http.login("quinn", "quinn's password").json().getString("access_token");
    for (int i = 0; i < 3; i++) {
      assertThat(http.me(access).status()).isEqualTo(200);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(http.me(access).status()).isEqualTo(429);
    }
    List<AuditEvent> limited = events.stream().filter(e -> e.action() == AuditAction.RATE_LIMITED).toList();
    assertThat(limited).hasSize(1);
    AuditEvent event = limited.getFirst();
    assertThat(event.subject()).isEqualTo("quinn");
    assertThat(event.sessionId()).isNotNull();
    assertThat(event.tokenId()).isNotNull();
    assertThat(event.clientIp()).isEqualTo("127.0.0.1");
    assertThat(event.reason()).isEqualTo("quota_exceeded");
    assertThat(event.time()).isEqualTo(fixture.clock.instant());
    assertThat(event.toString()).doesNotContain(access);

    fixture.clock.advance(Duration.ofMinutes(1)); // the next window: spent again, audited again
    for (int i = 0; i < 10; i++) {
      http.me(access);
    }
    assertThat(events.stream().filter(e -> e.action() == AuditAction.RATE_LIMITED)).hasSize(2);
  }
}
