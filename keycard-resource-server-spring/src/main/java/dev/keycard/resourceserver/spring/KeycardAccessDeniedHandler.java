package dev.keycard.resourceserver.spring;

import dev.keycard.core.bearer.BearerError;
import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.servlet.ServletAnswers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * keycard's 403 {@code insufficient_scope}, naming the scope that {@link KeycardSecurity#scope} found
 * missing (RFC 6750 §3.1). A refusal by any other rule of the application has no scope to name and
 * gets a plain 403 {@code insufficient_scope} challenge.
 */
public final class KeycardAccessDeniedHandler implements AccessDeniedHandler {
  private final String realm;

  public KeycardAccessDeniedHandler() {
    this(KeycardSecurity.REALM);
  }

  public KeycardAccessDeniedHandler(String realm) {
    this.realm = realm;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    Object scope = request.getAttribute(KeycardSecurity.MISSING_SCOPE);
    BearerError error = scope instanceof String s ? BearerError.insufficientScope(s)
        : new BearerError(403, BearerError.INSUFFICIENT_SCOPE, "The access token lacks the required scope", null);
    ServletAnswers.write(response, new Access.Refused(error, null), realm);
  }
}
