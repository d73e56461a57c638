package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.TestKeycard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * RFC 8414 discovery from the address the README and {@code keycard demo} print: a standard client
 * (the Nimbus OAuth 2.0 SDK, which checks that the metadata's {@code issuer} equals the issuer it
 * discovered from, §3.3) accepts a server started with no {@code --issuer}. With the old default,
 * {@code http://localhost:PORT}, it refused the metadata from {@code http://127.0.0.1:PORT}.
 */
class DefaultIssuerDiscoveryTest {
  @TempDir
  Path dir;

  @Test
  void standardClientDiscoversTheMetadataFromTheDocumentedAddressWithDefaultOptions() throws Exception {
    int port = freePort();
    ServerConfig config = serveConfig("--port", Integer.toString(port), "--data-dir", dir.toString());
    try (KeycardServer server = KeycardServer.start(config, StreamingConfig.defaults(), InstantSource.system(),
        TestKeycard.FAST_HASHER)) {
      String documented = "http://127.0.0.1:" + server.port();

      AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(documented));

      assertThat(metadata.getIssuer().getValue()).isEqualTo(documented);
      assertThat(metadata.getTokenEndpointURI()).isEqualTo(URI.create(documented + "/oauth2/token"));
      assertThat(metadata.getJWKSetURI()).isEqualTo(URI.create(documented + "/.well-known/jwks.json"));
      assertThat(metadata.getRevocationEndpointURI()).isEqualTo(URI.create(documented + "/oauth2/revoke"));
      assertThat(metadata.getIntrospectionEndpointURI()).isEqualTo(URI.create(documented + "/oauth2/introspect"));
    }
  }

  @Test
  void defaultIssuerIsTheAddressTheDemoPrints() {
    assertThat(serveConfig().issuer()).isEqualTo("http://127.0.0.1:8080");
    assertThat(ServerOptions.localUrl("127.0.0.1", 8080)).isEqualTo("http://127.0.0.1:8080");
    assertThat(serveConfig("--host", "0.0.0.0", "--port", "9000").issuer()).isEqualTo("http://127.0.0.1:9000");
    assertThat(serveConfig("--host", "::1").issuer()).isEqualTo("http://[::1]:8080");
    assertThat(serveConfig("--issuer", "https://auth.example.com/").issuer()).isEqualTo("https://auth.example.com");
  }

  private static ServerConfig serveConfig(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, Map.of()));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, Map.of()));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.options.toConfig(Map.of(), false);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
