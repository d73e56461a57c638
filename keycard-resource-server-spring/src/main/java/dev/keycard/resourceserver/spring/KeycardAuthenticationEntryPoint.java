package dev.keycard.resourceserver.spring;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.servlet.ServletAnswers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request Spring Security did not authenticate exactly as keycard answers it: the verdict
 * carried by a {@link KeycardAuthenticationException} anywhere in the cause chain (a refused or
 * uncheckable token, a malformed {@code Authorization} header), and for a request without a bearer
 * token keycard's 401 with a challenge that has no error code (RFC 6750 §3.1).
 */
public final class KeycardAuthenticationEntryPoint implements AuthenticationEntryPoint {
  private static final Access MISSING = new Access.Refused(BearerError.missing(), null);

  private final String realm;

  public KeycardAuthenticationEntryPoint() {
    this(KeycardSecurity.REALM);
  }

  public KeycardAuthenticationEntryPoint(String realm) {
    this.realm = realm;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    Access access = MISSING;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KeycardAuthenticationException k) {
        access = k.access();
        break;
      }
    }
    ServletAnswers.write(response, access, realm);
  }
}
