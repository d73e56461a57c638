package dev.keycard.resourceserver.servlet;

import dev.keycard.core.token.AccessToken;
import dev.keycard.resourceserver.testing.AdapterContract;
import dev.keycard.resourceserver.testing.ServiceFixture;
import dev.keycard.server.testing.TestHttp;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The servlet filter in a real embedded Jetty 12: the adapter contract. */
class KeycardBearerFilterTest extends AdapterContract {
  @TempDir
  static Path dataDir;
  static ServiceFixture fixture;
  static Server jetty;
  static TestHttp service;

  /** Echoes who the token speaks for: what the application behind the filter sees. */
  static final class Echo extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      AccessToken token = (AccessToken) req.getAttribute(KeycardBearerFilter.ACCESS_TOKEN);
      resp.getWriter().print(token.subject() + " " + token.scope());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fixture = ServiceFixture.start(dataDir);
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(new KeycardBearerFilter(fixture.library())), "/hello",
        EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(new KeycardBearerFilter(fixture.library(), "orders:write")), "/orders",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Echo()), "/*");
    jetty.setHandler(context);
    jetty.start();
    service = TestHttp.at("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
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
