package dev.keycard.server.config;

import dev.keycard.core.signedurl.CloudFrontSigner;
import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.core.signedurl.NginxQuotedString;
import dev.keycard.server.stream.UrlScheme;
import java.security.PrivateKey;
import java.util.regex.Pattern;

/**
 * What nginx and CloudFront delivery need: the origin secret they present when they pull from
 * keycard's origin, where viewers reach them, and the scheme's own secret or key. Every field may be
 * absent ({@code null}); {@link StreamingConfig} refuses to start a scheme whose parts are missing.
 * Secrets come from the environment or files, never from flag values, and never appear in
 * {@link #toString()}.
 *
 * @param originSecret           what {@code GET /origin/...} requires in {@code Keycard-Origin-Secret}
 *                               ({@code KEYCARD_ORIGIN_SECRET} or {@code --origin-secret-file}), or
 *                               {@code null}: the route then answers 404
 * @param mediaBaseUrl           how players reach nginx or CloudFront, {@code https://media.example.com}
 * @param nginxSecret            the {@code secure_link_md5} secret ({@code KEYCARD_NGINX_SECRET} or
 *                               {@code --nginx-secret-file})
 * @param cloudFrontKeyPairId    the public key id CloudFront knows the signing key by
 * @param cloudFrontPrivateKey   the RSA key of that key pair ({@code --cloudfront-private-key-file})
 * @param cloudFrontCookieDomain the {@code Domain} of the signed cookies, or {@code null} for
 *                               host-only cookies (the API and the media under one host name)
 */
public record CdnConfig(String originSecret, String mediaBaseUrl, String nginxSecret, String cloudFrontKeyPairId,
    PrivateKey cloudFrontPrivateKey, String cloudFrontCookieDomain) {

  /** Nothing configured: no origin pull, no CDN scheme. */
  public static final CdnConfig NONE = new CdnConfig(null, null, null, null, null, null);
  public static final int MIN_ORIGIN_SECRET_LENGTH = 32;
  private static final int MAX_ORIGIN_SECRET_LENGTH = 512;
  private static final Pattern KEY_PAIR_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern COOKIE_DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  public CdnConfig {
    if (originSecret != null) {
      // The same secret goes into nginx's configuration and into a CDN's origin header.
      require(originSecret.length() >= MIN_ORIGIN_SECRET_LENGTH && originSecret.length() <= MAX_ORIGIN_SECRET_LENGTH
              && NginxQuotedString.isSafe(originSecret),
          "the origin secret (KEYCARD_ORIGIN_SECRET or --origin-secret-file) must have 32 to 512 characters, "
              + NginxQuotedString.RULE + " (e.g. openssl rand -hex 32)");
    }
    if (mediaBaseUrl != null) {
      mediaBaseUrl = StreamingConfig.checkBaseUrl(mediaBaseUrl, "--media-base-url");
    }
    if (nginxSecret != null) {
      try {
        NginxDirectoryToken.of(nginxSecret, false);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the nginx secret (KEYCARD_NGINX_SECRET or --nginx-secret-file): " + e.getMessage()
            + " (e.g. openssl rand -hex 32)");
      }
    }
    if (cloudFrontKeyPairId != null) {
      require(KEY_PAIR_ID.matcher(cloudFrontKeyPairId).matches(),
          "--cloudfront-key-pair-id must match [A-Za-z0-9._-]{1,128}, e.g. K2JCJMDEHXQW5F");
    }
    if (cloudFrontPrivateKey != null) {
      require("RSA".equals(cloudFrontPrivateKey.getAlgorithm()),
          "--cloudfront-private-key-file must hold an RSA key (CloudFront signs with RSA)");
    }
    if (cloudFrontCookieDomain != null) {
      require(cloudFrontCookieDomain.length() <= 253 && COOKIE_DOMAIN.matcher(cloudFrontCookieDomain).matches(),
          "--cloudfront-cookie-domain must be a host name such as example.com, not '" + cloudFrontCookieDomain + "'");
    }
  }

  /** Whether {@code GET /origin/...} is served. */
  public boolean originPullEnabled() {
    return originSecret != null;
  }

  /**
   * Refuses a CDN scheme whose signing parts are missing, naming where each comes from.
   *
   * @throws IllegalArgumentException for nginx without its secret or base URL, CloudFront without
   *                                  its key pair id, key or base URL
   */
  public void requireSigningParts(UrlScheme scheme) {
    String name = "--url-scheme " + scheme.optionValue();
    switch (scheme) {
      case KEYCARD, PREFIX -> { }
      case NGINX -> {
        require(mediaBaseUrl != null, name + " needs --media-base-url: where players reach nginx, e.g. https://media.example.com");
        require(nginxSecret != null, name + " needs the secure_link secret: KEYCARD_NGINX_SECRET or --nginx-secret-file");
      }
      case CLOUDFRONT -> {
        require(mediaBaseUrl != null, name + " needs --media-base-url: the distribution's URL, e.g. https://media.example.com");
        require(cloudFrontKeyPairId != null, name + " needs --cloudfront-key-pair-id");
        require(cloudFrontPrivateKey != null, name + " needs --cloudfront-private-key-file (PEM PKCS #8)");
      }
    }
  }

  /** The CloudFront signer, for a configuration that has its key pair id, key and base URL. */
  public CloudFrontSigner cloudFrontSigner() {
    return new CloudFrontSigner(mediaBaseUrl, cloudFrontKeyPairId, cloudFrontPrivateKey);
  }

  @Override
  public String toString() {
    return "CdnConfig[originSecret=" + (originSecret == null ? "none" : "(hidden)") + ", mediaBaseUrl=" + mediaBaseUrl
        + ", nginxSecret=" + (nginxSecret == null ? "none" : "(hidden)") + ", cloudFrontKeyPairId=" + cloudFrontKeyPairId
        + ", cloudFrontPrivateKey=" + (cloudFrontPrivateKey == null ? "none" : "(hidden)")
        + ", cloudFrontCookieDomain=" + cloudFrontCookieDomain + "]";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
