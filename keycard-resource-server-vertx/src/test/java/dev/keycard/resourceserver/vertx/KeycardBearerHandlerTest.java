package dev.keycard.resourceserver.vertx;

import dev.keycard.core.token.AccessToken;
import dev.keycard.resourceserver.testing.AdapterContract;
import dev.keycard.resourceserver.testing.ServiceFixture;
import dev.keycard.server.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The Vert.x handler in front of a real Vert.x Web server: the adapter contract. */
class KeycardBearerHandlerTest extends AdapterContract {
  @TempDir
  static Path dataDir;
  static ServiceFixture fixture;
  static Vertx vertx;
  static HttpServer server;
  static TestHttp service;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServiceFixture.start(dataDir);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/hello").handler(KeycardBearerHandler.create(fixture.library())).handler(KeycardBearerHandlerTest::echo);
    router.post("/orders").handler(KeycardBearerHandler.create(fixture.library(), "orders:write"))
        .handler(KeycardBearerHandlerTest::echo);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    service = TestHttp.at("http://127.0.0.1:" + server.actualPort());
  }

  private static void echo(io.vertx.ext.web.RoutingContext ctx) {
    AccessToken token = ctx.get(KeycardBearerHandler.ACCESS_TOKEN);
    ctx.response().end(token.subject() + " " + token.scope());
  }

  @AfterAll
  static void stop() {
    server.close().await();
    vertx.close().await();
    fixture.close();
  }

  @Override
  protected ServiceFixture fixture() {
    return fixture;
  }

  @Override
  protected TestHttp service() {
    return service;
  }
}
