package dev.keycard.sample;

import dev.keycard.resourceserver.KeycardResourceServer;
import dev.keycard.resourceserver.spring.KeycardSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A small service of a streaming platform (orders) that trusts keycard's tokens: Spring Boot 3 with
 * Spring Security's resource server, keycard-resource-server behind it. Configured by the environment
 * alone:
 *
 * <ul>
 *   <li>{@code KEYCARD_ISSUER}: keycard's issuer, exactly as its tokens carry it (required);</li>
 *   <li>{@code KEYCARD_LOCATION}: where keycard is reached, when not at the issuer URL;</li>
 *   <li>{@code KEYCARD_AUDIENCE}: what the tokens' {@code aud} must contain (default {@code keycard-api});</li>
 *   <li>{@code KEYCARD_CLIENT_ID} and {@code KEYCARD_CLIENT_SECRET} or {@code KEYCARD_CLIENT_SECRET_FILE}:
 *       the service's client at keycard, for the revocation feed (scope {@code keycard:revocations});</li>
 *   <li>{@code KEYCARD_KEY_REFETCH_INTERVAL}: seconds between key-set fetches caused by unknown keys (default 30);</li>
 *   <li>{@code SERVER_PORT}: Spring Boot's own (0 for any free port).</li>
 * </ul>
 */
@SpringBootApplication
public class SampleService {
  public static void main(String[] args) {
    SpringApplication.run(SampleService.class, args);
  }

  @Bean(destroyMethod = "close")
  KeycardResourceServer keycard() {
    Map<String, String> env = System.getenv();
    String issuer = env.get("KEYCARD_ISSUER");
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalStateException("KEYCARD_ISSUER is required: keycard's issuer URL");
    }
    KeycardResourceServer.Builder builder = KeycardResourceServer.builder().issuer(issuer)
        .audience(env.getOrDefault("KEYCARD_AUDIENCE", "keycard-api"))
        .keyRefetchInterval(Duration.ofSeconds(Long.parseLong(env.getOrDefault("KEYCARD_KEY_REFETCH_INTERVAL", "30"))));
    if (env.get("KEYCARD_LOCATION") != null) {
      builder.location(URI.create(env.get("KEYCARD_LOCATION")));
    }
    String secret = secret(env);
    if (env.get("KEYCARD_CLIENT_ID") != null && secret != null) {
      builder.clientCredentials(env.get("KEYCARD_CLIENT_ID"), secret);
    }
    return builder.build();
  }

  private static String secret(Map<String, String> env) {
    if (env.get("KEYCARD_CLIENT_SECRET_FILE") != null) {
      try {
        return Files.readString(Path.of(env.get("KEYCARD_CLIENT_SECRET_FILE"))).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("KEYCARD_CLIENT_SECRET_FILE cannot be read", e);
      }
    }
    return env.get("KEYCARD_CLIENT_SECRET");
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http, KeycardResourceServer keycard) throws Exception {
    return http
        .authorizeHttpRequests(requests -> requests
            .requestMatchers("/keycard/health").permitAll()
            .requestMatchers(HttpMethod.GET, "/orders").access(KeycardSecurity.scope("orders:read"))
            .requestMatchers(HttpMethod.POST, "/orders").access(KeycardSecurity.scope("orders:write"))
            .anyRequest().authenticated())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable()) // bearer tokens only: no cookie, nothing for CSRF to ride on
        .oauth2ResourceServer(KeycardSecurity.resourceServer(keycard))
        .build();
  }

  /** Says where it listens, once it does: how a script or a test finds a port chosen by the OS. */
  @Bean
  ApplicationListener<WebServerInitializedEvent> announcePort() {
    return event -> System.out.println("sample service listening on port " + event.getWebServer().getPort());
  }
}
