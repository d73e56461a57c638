package dev.keycard.resourceserver.spring;

import dev.keycard.resourceserver.Access;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.http.HttpStatus;

/**
 * A request keycard's check did not grant, as Spring Security's authentication failure: it carries the
 * library's verdict, so {@link KeycardAuthenticationEntryPoint} answers exactly as keycard does. Its
 * message is the verdict's fixed description, never anything from the token.
 */
public final class KeycardAuthenticationException extends OAuth2AuthenticationException {
  private final transient Access access;

  public KeycardAuthenticationException(Access access) {
    super(error(access), description(access));
    this.access = access;
  }

  public Access access() {
    return access;
  }

  private static OAuth2Error error(Access access) {
    return switch (access) {
      case Access.Refused r when r.error().code() != null -> new BearerTokenError(r.error().code(),
          HttpStatus.valueOf(r.error().status()), r.error().description(), null, r.error().scope());
      case Access.Refused r -> new BearerTokenError(BearerTokenErrorCodes.INVALID_TOKEN, HttpStatus.UNAUTHORIZED,
          "A bearer access token is required", null);
      default -> new OAuth2Error("temporarily_unavailable", description(access), null);
    };
  }

  private static String description(Access access) {
    return switch (access) {
      case Access.Refused r -> r.error().description() == null ? "A bearer access token is required"
          : r.error().description();
      case Access.Unavailable u -> u.description();
      case Access.Granted g -> "granted";
    };
  }
}
