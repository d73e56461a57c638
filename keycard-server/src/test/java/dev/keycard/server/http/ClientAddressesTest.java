package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.server.config.TrustedProxies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client-address rule over a real connection from 127.0.0.1: forwarding headers count only when
 * the connection comes from a trusted proxy, and then only as far as the chain of trusted hops goes.
 */
class ClientAddressesTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void without_trusted_proxies_the_socket_address_is_the_client_whatever_the_headers_say() throws Exception {
    String seen = clientSeenBy(TrustedProxies.NONE, "X-Forwarded-For", "203.0.113.9");
    assertThat(seen).isEqualTo("127.0.0.1");
    assertThat(clientSeenBy(TrustedProxies.NONE, "Forwarded", "for=203.0.113.9")).isEqualTo("127.0.0.1");
  }

  @Test
  void a_trusted_proxy_is_believed_about_the_address_it_forwards_for() throws Exception {
    TrustedProxies loopback = TrustedProxies.parse("127.0.0.0/8");
    assertThat(clientSeenBy(loopback, "X-Forwarded-For", "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(clientSeenBy(loopback, "Forwarded", "for=\"[2001:db8::7]:4711\"")).isEqualTo("2001:db8::7");
    assertThat(clientSeenBy(loopback, "Forwarded", "for=198.51.100.3;proto=https")).isEqualTo("198.51.100.3");
  }

  @Test
  void addresses_the_client_wrote_left_of_the_first_untrusted_hop_are_ignored() throws Exception {
    TrustedProxies proxies = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8");
    // The client claimed 1.1.1.1; the untrusted 203.0.113.9 is the last hop before our proxies.
    assertThat(clientSeenBy(proxies, "X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.1.2.3"))
        .isEqualTo("203.0.113.9");
    assertThat(clientSeenBy(proxies, "Forwarded", "for=1.1.1.1, for=203.0.113.9, for=10.1.2.3"))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void an_unknown_or_obfuscated_hop_ends_the_walk_at_the_last_address_known() throws Exception {
    TrustedProxies proxies = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8");
    assertThat(clientSeenBy(proxies, "Forwarded", "for=unknown, for=10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(clientSeenBy(proxies, "X-Forwarded-For", "_hidden")).isEqualTo("127.0.0.1");
  }

  @Test
  void forwarded_wins_over_x_forwarded_for() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    int port = serve(TrustedProxies.parse("127.0.0.1"), seen);
    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("Forwarded", "for=198.51.100.3").header("X-Forwarded-For", "203.0.113.9").build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(seen.get()).isEqualTo("198.51.100.3");
  }

  @Test
  void trusted_proxies_are_address_literals_or_cidr_ranges() {
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThat(TrustedProxies.parse("10.0.0.0/8").contains(new byte[] {10, 9, 8, 7})).isTrue();
    assertThat(TrustedProxies.parse("10.0.0.0/8").contains(new byte[] {11, 0, 0, 1})).isFalse();
    assertThat(TrustedProxies.parse("192.168.0.0/23").contains(new byte[] {(byte) 192, (byte) 168, 1, 5})).isTrue();
    assertThat(TrustedProxies.parse("192.168.0.0/23").contains(new byte[] {(byte) 192, (byte) 168, 2, 5})).isFalse();
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.example")).hasMessageContaining("--trusted-proxies");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
  }

  private String clientSeenBy(TrustedProxies trusted, String header, String value) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    int port = serve(trusted, seen);
    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header(header, value).build(),
        HttpResponse.BodyHandlers.discarding());
    return seen.get();
  }

  private int serve(TrustedProxies trusted, AtomicReference<String> seen) {
    ClientAddresses rule = new ClientAddresses(trusted);
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      seen.set(rule.of(request));
      request.response().end();
    });
    return server.listen(0, "127.0.0.1").await().actualPort();
  }
}
