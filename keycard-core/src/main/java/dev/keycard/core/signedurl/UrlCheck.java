package dev.keycard.core.signedurl;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of checking a signed URL. A bad URL is ordinary traffic at an edge, so it is a value,
 * never an exception.
 */
public sealed interface UrlCheck {

  /**
   * The URL is genuine and still valid.
   *
   * @param path      the path to serve: the request path, or for a path-prefix token the path after
   *                  the token ({@code /t/{token}/live/demo/1.ts} serves {@code /live/demo/1.ts})
   * @param scope     what the signature covers: the exact path, a directory prefix ending in
   *                  {@code /}, or a CloudFront resource pattern
   * @param expiresAt when the URL stops working
   * @param keyId     the key that signed it ({@code null} for schemes without key ids, e.g. nginx)
   * @param sessionId the playback session it was issued to, or {@code null}
   * @param ticket    whether it is a playback ticket ({@link UrlGrant#ticket()})
   * @param boundIp   the client address the signature covers (the requester's, since it verified), or
   *                  {@code null} when the URL is not bound to an address
   */
  record Valid(String path, String scope, Instant expiresAt, String keyId, String sessionId, boolean ticket,
      String boundIp) implements UrlCheck {
    public Valid {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A URL that is neither a ticket nor bound to an address. */
    public Valid(String path, String scope, Instant expiresAt, String keyId, String sessionId) {
      this(path, scope, expiresAt, keyId, sessionId, false, null);
    }
  }

  record Invalid(UrlRejection reason) implements UrlCheck {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static UrlCheck invalid(UrlRejection reason) {
    return reason.asCheck();
  }

  default boolean valid() {
    return this instanceof Valid;
  }
}
