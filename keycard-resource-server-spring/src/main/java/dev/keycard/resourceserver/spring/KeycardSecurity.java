package dev.keycard.resourceserver.spring;

import dev.keycard.core.token.Scopes;
import dev.keycard.resourceserver.KeycardResourceServer;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * What a Spring Boot resource server adds to answer like keycard:
 *
 * <pre>{@code
 * http.authorizeHttpRequests(a -> a.requestMatchers("/orders").access(KeycardSecurity.scope("orders:read"))
 *         .anyRequest().authenticated())
 *     .oauth2ResourceServer(KeycardSecurity.resourceServer(keycard));
 * }</pre>
 *
 * Tokens are read by keycard's rule, checked by keycard's checklist, refused with keycard's answers;
 * scopes are also {@code SCOPE_…} authorities, for {@code hasAuthority} and {@code @PreAuthorize}
 * (whose refusals cannot name the scope they wanted).
 */
public final class KeycardSecurity {
  /** The request attribute where {@link #scope} leaves the scope it found missing, for the 403's challenge. */
  static final String MISSING_SCOPE = KeycardSecurity.class.getName() + ".missingScope";
  /** The realm of the challenges, keycard's own. */
  static final String REALM = "keycard";

  private KeycardSecurity() {}

  /** The resource server's token reading, checking and refusals, all keycard's. */
  public static Customizer<OAuth2ResourceServerConfigurer<HttpSecurity>> resourceServer(KeycardResourceServer keycard) {
    return oauth2 -> oauth2.bearerTokenResolver(new KeycardBearerTokenResolver())
        .authenticationEntryPoint(new KeycardAuthenticationEntryPoint())
        .accessDeniedHandler(new KeycardAccessDeniedHandler())
        .jwt(jwt -> jwt.decoder(new KeycardJwtDecoder(keycard)));
  }

  /** A rule: the request's token holds {@code scope}; refused with keycard's 403 naming it. */
  public static AuthorizationManager<RequestAuthorizationContext> scope(String scope) {
    if (!Scopes.isValid(scope) || scope.contains(" ")) {
      throw new IllegalArgumentException("one scope is required");
    }
    return (authentication, context) -> {
      boolean granted = authentication.get() instanceof JwtAuthenticationToken jwt
          && Scopes.parse(String.valueOf(jwt.getToken().getClaims().getOrDefault("scope", ""))).contains(scope);
      if (!granted) {
        context.getRequest().setAttribute(MISSING_SCOPE, scope);
      }
      return new AuthorizationDecision(granted);
    };
  }
}
