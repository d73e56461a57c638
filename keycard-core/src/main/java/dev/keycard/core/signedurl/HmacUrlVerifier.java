package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks URLs made by {@link HmacUrlSigner}: path rule, parameters (each at most once), key id,
 * one HMAC compared in constant time, then the expiry. Any key of the set verifies, so URLs signed
 * before a rotation keep working until they expire.
 *
 * <p>Parameters other than ours are ignored and not covered by the signature (players add some,
 * e.g. LL-HLS {@code _HLS_msn}); the edge must serve by path alone.
 */
public final class HmacUrlVerifier implements SignedUrlVerifier {
  private static final String[] NAMES = {"exp", "kid", "sid", "bind", "use", "sig"};
  private static final int EXP = 0, KID = 1, SID = 2, BIND = 3, USE = 4, SIG = 5;
  /** 32 MAC bytes in base64url without padding. */
  static final int SIG_LENGTH = 43;

  private final UrlSigningKeys keys;
  private final InstantSource clock;

  public HmacUrlVerifier(UrlSigningKeys keys, InstantSource clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public UrlCheck verify(String rawPath, String rawQuery, String clientIp) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    String[] v = new String[NAMES.length];
    UrlRejection queryProblem = QueryParameters.extract(rawQuery, NAMES, v);
    if (queryProblem != null) {
      return queryProblem.asCheck();
    }
    if (v[SIG] == null) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    if (v[EXP] == null || v[KID] == null || v[SIG].length() != SIG_LENGTH
        || !UrlAlphabet.isBase64Url(v[SIG], 0, SIG_LENGTH)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    long exp = UrlAlphabet.parseEpochSeconds(v[EXP]);
    if (exp <= 0 || !UrlSigningKey.validKeyId(v[KID]) || (v[SID] != null && !UrlAlphabet.isSessionId(v[SID]))) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String ip = null;
    if (v[BIND] != null) {
      if (!v[BIND].equals("ip")) {
        return UrlRejection.MALFORMED.asCheck();
      }
      if (clientIp == null || !UrlAlphabet.isIpText(clientIp)) {
        return UrlRejection.WRONG_CLIENT.asCheck();
      }
      ip = clientIp.toLowerCase(Locale.ROOT);
    }
    boolean ticket = v[USE] != null;
    if (ticket && !v[USE].equals(HmacUrlSigner.TICKET)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    int key = keys.indexOf(v[KID]);
    if (key < 0) {
      return UrlRejection.UNKNOWN_KEY.asCheck();
    }
    byte[] mac = keys.mac(key, HmacUrlSigner.canonical(keys, ticket, rawPath, exp, v[KID], v[SID], ip));
    byte[] expected = HmacUrlSigner.B64.encode(mac);
    if (!MessageDigest.isEqual(expected, v[SIG].getBytes(StandardCharsets.US_ASCII))) {
      return UrlRejection.BAD_SIGNATURE.asCheck();
    }
    if (Math.floorDiv(clock.millis(), 1000) >= exp) {
      return UrlRejection.EXPIRED.asCheck();
    }
    return new UrlCheck.Valid(rawPath, rawPath, Instant.ofEpochSecond(exp), v[KID], v[SID], ticket, ip);
  }
}
