package dev.keycard.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.keycard.core.signedurl.RealNginx;
import dev.keycard.server.testing.HlsJsPlayer;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx with {@code auth_request} in front of an upstream that echoes the identity headers it
 * received: the configuration the README shows, end to end.
 */
class NginxForwardAuthTest {
  @TempDir
  Path dataDir;
  @TempDir
  Path nginxDir;

  /** The README's configuration, with the two ports filled in. */
  static String locations(int keycardPort, int upstreamPort) {
    return """
        location / {
          auth_request /_keycard;
          auth_request_set $keycard_subject $upstream_http_x_keycard_subject;
          auth_request_set $keycard_scope $upstream_http_x_keycard_scope;
          auth_request_set $keycard_challenge $upstream_http_www_authenticate;
          proxy_set_header X-Keycard-Subject $keycard_subject;
          proxy_set_header X-Keycard-Scope $keycard_scope;
          error_page 403 = @keycard_forbidden;
          proxy_pass http://127.0.0.1:%2$d;
        }
        location /orders/ {
          auth_request /_keycard_orders_write;
          auth_request_set $keycard_subject $upstream_http_x_keycard_subject;
          auth_request_set $keycard_challenge $upstream_http_www_authenticate;
          proxy_set_header X-Keycard-Subject $keycard_subject;
          error_page 403 = @keycard_forbidden;
          proxy_pass http://127.0.0.1:%2$d;
        }
        location = /_keycard {
          internal;
          proxy_pass http://127.0.0.1:%1$d/auth/verify;
          proxy_pass_request_body off;
          proxy_set_header Content-Length "";
        }
        location = /_keycard_orders_write {
          internal;
          proxy_pass http://127.0.0.1:%1$d/auth/verify?scope=orders:write;
          proxy_pass_request_body off;
          proxy_set_header Content-Length "";
        }
        location @keycard_forbidden {
          add_header WWW-Authenticate $keycard_challenge always;
          return 403;
        }
        """.formatted(keycardPort, upstreamPort);
  }

  @Test
  void nginxLetsThroughWhatKeycardAllowsWithTheIdentityAndRefusesTheRestWithTheChallenge() throws Exception {
    RealNginx.requireNginx();
    HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    upstream.createContext("/", exchange -> HlsJsPlayer.respond(exchange, 200, "application/json",
        new JsonObject().put("subject", exchange.getRequestHeaders().getFirst("X-Keycard-Subject"))
            .put("scope", exchange.getRequestHeaders().getFirst("X-Keycard-Scope"))
            .put("authorization", exchange.getRequestHeaders().getFirst("Authorization"))
            .encode().getBytes(StandardCharsets.UTF_8)));
    upstream.start();
    try (TestKeycard keycard = TestKeycard.start(dataDir);
        RealNginx nginx = RealNginx.start(nginxDir, locations(keycard.server().port(), upstream.getAddress().getPort()))) {
      keycard.addUser("ana", "ana's long password", "profile orders:read");
      String token = keycard.http().login("ana", "ana's long password").json().getString("access_token");
      TestHttp gateway = TestHttp.at("http://127.0.0.1:" + nginx.port());

      Answer allowed = gateway.get("/profile", "Authorization", "Bearer " + token,
          "X-Keycard-Subject", "admin"); // a client's own identity header never reaches the upstream
      assertThat(allowed.status()).as(nginx.log()).isEqualTo(200);
      assertThat(allowed.json().getString("subject")).isEqualTo("ana");
      assertThat(allowed.json().getString("scope")).isEqualTo("orders:read profile");

      Answer none = gateway.get("/profile");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"keycard\"");

      Answer bad = gateway.get("/profile", "Authorization", "Bearer not.a.token");
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.header("WWW-Authenticate")).contains("error=\"invalid_token\"");

      Answer scope = gateway.get("/orders/42", "Authorization", "Bearer " + token);
      assertThat(scope.status()).isEqualTo(403);
      assertThat(scope.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"orders:write\"");

      keycard.http().post("/auth/logout", null, "", "Authorization", "Bearer " + token);
      Answer revoked = gateway.get("/profile", "Authorization", "Bearer " + token);
      assertThat(revoked.status()).isEqualTo(401);
      assertThat(revoked.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    } finally {
      upstream.stop(0);
    }
  }
}
