package dev.keycard.core.signedurl;

/**
 * Checks one request's URL at the edge. Runs on an event loop for every media segment, so
 * implementations compute one MAC (or one signature check), allocate little, read the time from
 * an injected {@link java.time.InstantSource}, and never throw for a bad URL: every refusal is a
 * {@link UrlCheck.Invalid}.
 */
@FunctionalInterface
public interface SignedUrlVerifier {

  /**
   * @param rawPath  the request path exactly as received, still percent-encoded, without the query
   * @param rawQuery the raw query string without the leading {@code ?}, or {@code null}
   * @param clientIp the client's address as text, or {@code null} when unknown; only URLs bound to
   *                 an address need it
   */
  UrlCheck verify(String rawPath, String rawQuery, String clientIp);
}
