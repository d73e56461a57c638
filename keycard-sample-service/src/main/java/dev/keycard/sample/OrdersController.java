package dev.keycard.sample;

import dev.keycard.resourceserver.Health;
import dev.keycard.resourceserver.KeycardResourceServer;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The sample's routes: who is asking, the orders (scope {@code orders:read}), and the library's health. */
@RestController
class OrdersController {
  private final KeycardResourceServer keycard;

  OrdersController(KeycardResourceServer keycard) {
    this.keycard = keycard;
  }

  /** Any valid token: who it speaks for, as {@code "SUBJECT SCOPE"}. */
  @GetMapping(value = "/hello", produces = MediaType.TEXT_PLAIN_VALUE)
  String hello(JwtAuthenticationToken auth) {
    return auth.getToken().getSubject() + " " + auth.getToken().getClaimAsString("scope");
  }

  @GetMapping("/orders")
  Map<String, Object> orders(JwtAuthenticationToken auth) {
    return Map.of("customer", auth.getToken().getSubject(), "orders", List.of());
  }

  @PostMapping("/orders")
  Map<String, Object> order(JwtAuthenticationToken auth) {
    return Map.of("customer", auth.getToken().getSubject(), "accepted", true);
  }

  /**
   * Public: the library's state, for a readiness probe (and the tests' count of key-set fetches):
   * 200 while it holds keys and its revocations are current, 503 otherwise.
   */
  @GetMapping("/keycard/health")
  ResponseEntity<Health> health() {
    Health health = keycard.health();
    return ResponseEntity.status(health.healthy() ? 200 : 503).body(health);
  }
}
