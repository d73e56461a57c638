package dev.keycard.resourceserver.servlet;

import dev.keycard.core.token.AccessToken;
import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.KeycardResourceServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * keycard's bearer check as a Jakarta Servlet filter: a granted request goes down the chain with its
 * {@link AccessToken} in the request attribute {@link #ACCESS_TOKEN}; any other is answered with the
 * library's status, headers and JSON body, exactly as keycard answers.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new KeycardBearerFilter(keycard, "orders:read")), "/api/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>The verdict is almost always ready at once (keys and revocations are in memory). When it is not
 * (an introspection, a key-set fetch: bounded by the library's timeout), the container's thread waits
 * for it: servlet filters are synchronous by contract, and the wait is rare and short.
 */
public final class KeycardBearerFilter implements Filter {
  /** The request attribute holding the granted request's {@link AccessToken}. */
  public static final String ACCESS_TOKEN = AccessToken.class.getName();
  public static final String DEFAULT_REALM = "keycard";

  private final KeycardResourceServer keycard;
  private final String requiredScope;
  private final String realm;

  /** Any valid token. */
  public KeycardBearerFilter(KeycardResourceServer keycard) {
    this(keycard, null, DEFAULT_REALM);
  }

  /** A valid token holding {@code requiredScope}. */
  public KeycardBearerFilter(KeycardResourceServer keycard, String requiredScope) {
    this(keycard, requiredScope, DEFAULT_REALM);
  }

  /** A valid token holding {@code requiredScope} (any, when {@code null}), challenges naming {@code realm}. */
  public KeycardBearerFilter(KeycardResourceServer keycard, String requiredScope, String realm) {
    this.keycard = Objects.requireNonNull(keycard, "keycard");
    this.requiredScope = requiredScope;
    this.realm = Objects.requireNonNull(realm, "realm");
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    List<String> authorization = Collections.list(request.getHeaders("Authorization"));
    Access access;
    try {
      access = keycard.authenticate(authorization, requiredScope).toCompletableFuture().join();
    } catch (RuntimeException e) {
      // The library's futures do not fail (an outage is an Unavailable verdict); if one ever did, the
      // client still gets an answer that says "try again", never a stack trace.
      access = Access.UNAVAILABLE;
    }
    if (access instanceof Access.Granted granted) {
      request.setAttribute(ACCESS_TOKEN, granted.token());
      chain.doFilter(request, response);
      return;
    }
    ServletAnswers.write(response, access, realm);
  }
}
