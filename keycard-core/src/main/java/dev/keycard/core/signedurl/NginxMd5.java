package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * The hash nginx's {@code secure_link_md5} computes, in the layout keycard uses for both of its nginx
 * schemes: {@code MD5(expires covered [client-address] " " secret)} in base64url without padding, where
 * {@code covered} is the path ({@link NginxSecureLink}) or the stream's directory
 * ({@link NginxDirectoryToken}). One place for the secret's rule, the address binding and the hash,
 * so the two schemes cannot drift apart.
 */
final class NginxMd5 {
  /** 16 MD5 bytes in base64url without padding. */
  static final int HASH_LENGTH = 22;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final byte[] secret;
  private final boolean bindClientIp;

  private NginxMd5(String secret, boolean bindClientIp) {
    this.secret = (" " + secret).getBytes(StandardCharsets.US_ASCII);
    this.bindClientIp = bindClientIp;
  }

  /**
   * @param secret at least 32 characters that can sit verbatim in nginx's quoted expression
   *               ({@link NginxQuotedString})
   */
  static NginxMd5 of(String secret, boolean bindClientIp) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length() < 32) {
      throw new IllegalArgumentException("an nginx secure_link secret needs at least 32 characters");
    }
    if (!NginxQuotedString.isSafe(secret)) {
      throw new IllegalArgumentException("the nginx secret may only hold " + NginxQuotedString.RULE);
    }
    newMd5(); // fail now, not on the first request, if the JDK lacks MD5
    return new NginxMd5(secret, bindClientIp);
  }

  boolean bindsClientIp() {
    return bindClientIp;
  }

  /** The {@code secure_link_md5} expression, {@code coveredVariable} being {@code $uri} or a capture. */
  String expression(String coveredVariable) {
    return "$secure_link_expires" + coveredVariable + (bindClientIp ? "$remote_addr" : "")
        + new String(secret, StandardCharsets.US_ASCII);
  }

  /** The grant's address, checked against the binding: signing a grant that does not fit is a bug. */
  String grantAddress(UrlGrant grant) {
    String ip = grant.checkedClientIp();
    if (bindClientIp != (ip != null)) {
      throw new IllegalArgumentException(bindClientIp ? "this nginx secret binds the client address: the grant needs one"
          : "this nginx secret does not bind the client address");
    }
    return ip;
  }

  /**
   * The requester's address as the hash covers it, {@code ""} when not bound, or {@code null} when
   * bound and the address is unusable (a refusal: the wrong client).
   */
  String requestAddress(String clientIp) {
    if (!bindClientIp) {
      return "";
    }
    return clientIp == null || !UrlAlphabet.isIpText(clientIp) ? null : clientIp.toLowerCase(Locale.ROOT);
  }

  String sign(String expires, String covered, String ip) {
    return B64.encodeToString(hash(newMd5(), expires, covered, ip));
  }

  /** Whether {@code given} is the hash of the rest, compared in constant time. */
  boolean matches(MessageDigest md5, String given, String expires, String covered, String ip) {
    byte[] expected = B64.encode(hash(md5, expires, covered, ip));
    return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] hash(MessageDigest md5, String expires, String covered, String ip) {
    md5.reset();
    md5.update(expires.getBytes(StandardCharsets.US_ASCII));
    md5.update(covered.getBytes(StandardCharsets.US_ASCII));
    if (ip != null && !ip.isEmpty()) {
      md5.update(ip.getBytes(StandardCharsets.US_ASCII));
    }
    md5.update(secret);
    return md5.digest();
  }

  static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is unavailable", e);
    }
  }
}
