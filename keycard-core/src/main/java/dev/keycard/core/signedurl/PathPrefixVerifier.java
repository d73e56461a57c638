package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks paths made by {@link PathPrefixSigner}: {@code /t/{token}/rest}. It applies the path rule
 * to the whole path, decodes the token's fields, checks the key id and the HMAC (constant time),
 * the expiry, and finally that {@code /rest} lies under the signed directory. A valid check names
 * {@code /rest} as the path to serve.
 */
public final class PathPrefixVerifier implements SignedUrlVerifier {
  /** A token longer than this is not one of ours (prefix ≤ 512, ids ≤ 64 and 128, MAC 43). */
  static final int MAX_TOKEN_LENGTH = 1100;
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final UrlSigningKeys keys;
  private final InstantSource clock;

  public PathPrefixVerifier(UrlSigningKeys keys, InstantSource clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The query plays no part: the token is in the path. */
  @Override
  public UrlCheck verify(String rawPath, String rawQuery, String clientIp) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    if (!rawPath.startsWith(PathPrefixSigner.MARKER)) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    int from = PathPrefixSigner.MARKER.length();
    int end = rawPath.indexOf('/', from);
    if (end < 0 || end - from > MAX_TOKEN_LENGTH) {
      return UrlRejection.MALFORMED.asCheck();
    }
    int dot = rawPath.indexOf('.', from);
    if (dot < 0 || dot > end || end - dot - 1 != HmacUrlVerifier.SIG_LENGTH
        || !UrlAlphabet.isBase64Url(rawPath, from, dot) || !UrlAlphabet.isBase64Url(rawPath, dot + 1, end)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String payload;
    try {
      payload = new String(DECODER.decode(rawPath.substring(from, dot)), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return UrlRejection.MALFORMED.asCheck();
    }
    // prefix \n exp \n kid \n sid \n bind [\n ticket]
    int a = payload.indexOf('\n');
    int b = a < 0 ? -1 : payload.indexOf('\n', a + 1);
    int c = b < 0 ? -1 : payload.indexOf('\n', b + 1);
    int d = c < 0 ? -1 : payload.indexOf('\n', c + 1);
    int e = d < 0 ? -1 : payload.indexOf('\n', d + 1);
    if (d < 0 || (e >= 0 && payload.indexOf('\n', e + 1) >= 0)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    boolean ticket = e >= 0;
    if (ticket && !payload.substring(e + 1).equals(HmacUrlSigner.TICKET)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String prefix = payload.substring(0, a);
    long exp = UrlAlphabet.parseEpochSeconds(payload.substring(a + 1, b));
    String kid = payload.substring(b + 1, c);
    String sid = c + 1 == d ? null : payload.substring(c + 1, d);
    String bind = payload.substring(d + 1, ticket ? e : payload.length());
    if (SafePath.check(prefix) != null || prefix.charAt(prefix.length() - 1) != '/' || exp <= 0
        || !UrlSigningKey.validKeyId(kid) || (sid != null && !UrlAlphabet.isSessionId(sid))
        || !(bind.isEmpty() || bind.equals("ip"))) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String ip = null;
    if (!bind.isEmpty()) {
      if (clientIp == null || !UrlAlphabet.isIpText(clientIp)) {
        return UrlRejection.WRONG_CLIENT.asCheck();
      }
      ip = clientIp.toLowerCase(Locale.ROOT);
    }
    int key = keys.indexOf(kid);
    if (key < 0) {
      return UrlRejection.UNKNOWN_KEY.asCheck();
    }
    byte[] expected = HmacUrlSigner.B64.encode(keys.mac(key, PathPrefixSigner.canonical(keys, ticket, prefix, exp, kid, sid, ip)));
    byte[] given = rawPath.substring(dot + 1, end).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return UrlRejection.BAD_SIGNATURE.asCheck();
    }
    if (Math.floorDiv(clock.millis(), 1000) >= exp) {
      return UrlRejection.EXPIRED.asCheck();
    }
    // The prefix ends in '/', so a sibling directory that merely shares its first letters
    // (/live/demo2/ for /live/demo/) never matches.
    if (!rawPath.startsWith(prefix, end)) {
      return UrlRejection.WRONG_SCOPE.asCheck();
    }
    return new UrlCheck.Valid(rawPath.substring(end), prefix, Instant.ofEpochSecond(exp), kid, sid, ticket, ip);
  }
}
