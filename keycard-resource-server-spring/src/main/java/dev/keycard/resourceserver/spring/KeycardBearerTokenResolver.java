package dev.keycard.resourceserver.spring;

import dev.keycard.core.bearer.BearerCredentials;
import dev.keycard.core.bearer.BearerError;
import dev.keycard.resourceserver.Access;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Reads the bearer token by keycard's own rule (RFC 6750 §2.1: one {@code Authorization} header, the
 * {@code Bearer} scheme, a token68 value), so a malformed header is keycard's {@code invalid_request}
 * and another scheme is "no credentials", as at keycard. Tokens in query strings or form bodies are
 * never read (§2.2–2.3 put them in logs and caches).
 */
public final class KeycardBearerTokenResolver implements BearerTokenResolver {
  @Override
  public String resolve(HttpServletRequest request) {
    return switch (BearerCredentials.parse(Collections.list(request.getHeaders("Authorization")))) {
      case BearerCredentials.Absent a -> null;
      case BearerCredentials.Malformed m ->
          throw new KeycardAuthenticationException(new Access.Refused(BearerError.invalidRequest(m.description()), null));
      case BearerCredentials.Present p -> p.token();
    };
  }
}
