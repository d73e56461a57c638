package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Objects;

/**
 * URLs that nginx's {@code ngx_http_secure_link_module} accepts, for deployments that put a plain
 * nginx (or a CDN speaking its format) in front of the media:
 *
 * <pre>
 * /live/demo/index.m3u8?md5={base64url(MD5(expires uri [client-ip] " " secret)), no padding}&amp;expires={epoch seconds}
 * </pre>
 *
 * which matches the documented configuration (the second form when bound to the client address):
 *
 * <pre>
 * secure_link     $arg_md5,$arg_expires;
 * secure_link_md5 "$secure_link_expires$uri $SECRET";                  # bindClientIp = false
 * secure_link_md5 "$secure_link_expires$uri$remote_addr $SECRET";      # bindClientIp = true
 * </pre>
 *
 * {@link #nginxDirectives()} renders exactly the block that matches this object. MD5 is what nginx
 * offers, not a choice: prefer {@link HmacUrlSigner} wherever keycard's own edge serves. nginx hashes
 * {@code $uri}, the decoded and normalised path, so this scheme signs only paths that are the same
 * decoded and raw: no {@code %} at all. nginx keeps a URL working through its {@code expires}
 * second ({@code expires < now} is what expires it), so it may serve up to one second past the
 * grant; {@link #verifier} follows nginx.
 *
 * @see <a href="https://nginx.org/en/docs/http/ngx_http_secure_link_module.html">ngx_http_secure_link_module</a>
 */
public final class NginxSecureLink {
  static final String HASH_PARAM = "md5";
  static final String EXPIRES_PARAM = "expires";
  /** 16 MD5 bytes in base64url without padding. */
  static final int HASH_LENGTH = NginxMd5.HASH_LENGTH;
  private static final String[] NAMES = {HASH_PARAM, EXPIRES_PARAM};

  private final NginxMd5 md5;

  private NginxSecureLink(NginxMd5 md5) {
    this.md5 = md5;
  }

  /**
   * @param secret       at least 32 printable ASCII characters without quote, backslash, dollar,
   *                     braces or semicolon, so it can sit verbatim inside nginx's quoted expression
   * @param bindClientIp whether the hash covers {@code $remote_addr}
   */
  public static NginxSecureLink of(String secret, boolean bindClientIp) {
    return new NginxSecureLink(NginxMd5.of(secret, bindClientIp));
  }

  public boolean bindsClientIp() {
    return md5.bindsClientIp();
  }

  public UrlSigner signer() {
    return this::sign;
  }

  public SignedUrlVerifier verifier(InstantSource clock) {
    Objects.requireNonNull(clock, "clock");
    ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(NginxMd5::newMd5);
    return (rawPath, rawQuery, clientIp) -> verify(digests.get(), clock, rawPath, rawQuery, clientIp);
  }

  /**
   * The directives to put in the nginx {@code location} that serves the signed media; they hold the
   * secret, so write them to a file only root and nginx can read.
   */
  public String nginxDirectives() {
    String expression = md5.expression("$uri");
    return "secure_link $arg_" + HASH_PARAM + ",$arg_" + EXPIRES_PARAM + ";\n"
        + "secure_link_md5 \"" + expression + "\";\n"
        + "if ($secure_link = \"\") { return 403; }\n"
        + "if ($secure_link = \"0\") { return 410; }\n";
  }

  @Override
  public String toString() {
    return "NginxSecureLink[bindClientIp=" + md5.bindsClientIp() + ", secret=(hidden)]";
  }

  private String sign(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    if (path.indexOf('%') >= 0) {
      throw new IllegalArgumentException("nginx hashes the decoded $uri: sign paths without percent-encoding");
    }
    long exp = grant.checkedExpiry();
    if (grant.sessionId() != null) {
      throw new IllegalArgumentException("nginx secure_link URLs carry no session id");
    }
    String hash = md5.sign(Long.toString(exp), path, md5.grantAddress(grant));
    return path + "?" + HASH_PARAM + "=" + hash + "&" + EXPIRES_PARAM + "=" + exp;
  }


  private UrlCheck verify(MessageDigest digest, InstantSource clock, String rawPath, String rawQuery, String clientIp) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    if (rawPath.indexOf('%') >= 0) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String[] v = new String[2];
    UrlRejection queryProblem = QueryParameters.extract(rawQuery, NAMES, v);
    if (queryProblem != null) {
      return queryProblem.asCheck();
    }
    if (v[0] == null) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    long exp = v[1] == null ? -1 : UrlAlphabet.parseEpochSeconds(v[1]);
    if (exp <= 0 || v[0].length() != HASH_LENGTH || !UrlAlphabet.isBase64Url(v[0], 0, HASH_LENGTH)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String ip = md5.requestAddress(clientIp);
    if (ip == null) {
      return UrlRejection.WRONG_CLIENT.asCheck();
    }
    if (!md5.matches(digest, v[0], v[1], rawPath, ip)) {
      return UrlRejection.BAD_SIGNATURE.asCheck();
    }
    if (exp < Math.floorDiv(clock.millis(), 1000)) {
      return UrlRejection.EXPIRED.asCheck();
    }
    return new UrlCheck.Valid(rawPath, rawPath, java.time.Instant.ofEpochSecond(exp), null, null);
  }

}
