package dev.keycard.core.signedurl;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Objects;

/**
 * Amazon CloudFront signed URLs and cookies, byte for byte what the AWS SDK for Java 2.x
 * ({@code CloudFrontUtilities}) produces: an RSA signature (PKCS #1 v1.5, SHA-1 unless told
 * otherwise) over the policy JSON, in CloudFront's URL-safe base64.
 *
 * <pre>
 * canned: {url}{?|&amp;}Expires={epoch}&amp;Signature={sig}&amp;Key-Pair-Id={id}
 * custom: {url}{?|&amp;}Policy={policy}&amp;Signature={sig}&amp;Key-Pair-Id={id}
 * (then &amp;Hash-Algorithm=SHA256 when not SHA-1)
 * </pre>
 *
 * As a {@link UrlSigner} it signs paths of its distribution: a canned policy, or a custom one limited
 * to the client's address ({@code /32}, {@code /128}) when the grant is bound to one. CloudFront has
 * no session field, so a grant with a session id is refused.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-urls.html">CloudFront: signed URLs</a>
 */
public final class CloudFrontSigner implements UrlSigner {
  private final String origin;
  private final String keyPairId;
  private final PrivateKey key;
  private final CloudFrontHash hash;

  /**
   * @param origin    the distribution, {@code https://cdn.example.com}, without a trailing slash
   * @param keyPairId the id CloudFront knows the public key by (a public key id in a key group)
   * @param key       the RSA private key
   */
  public CloudFrontSigner(String origin, String keyPairId, PrivateKey key) {
    this(origin, keyPairId, key, CloudFrontHash.SHA1);
  }

  public CloudFrontSigner(String origin, String keyPairId, PrivateKey key, CloudFrontHash hash) {
    this.origin = CloudFrontVerifier.checkedOrigin(origin);
    this.keyPairId = Objects.requireNonNull(keyPairId, "keyPairId");
    this.key = Objects.requireNonNull(key, "key");
    this.hash = Objects.requireNonNull(hash, "hash");
    if (!UrlAlphabet.isToken(keyPairId)) {
      throw new IllegalArgumentException("a key pair id must match [A-Za-z0-9._-]+");
    }
    if (!"RSA".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("CloudFront signing here needs an RSA key, got " + key.getAlgorithm());
    }
    signature(new byte[1]); // fail now on a key the provider refuses
  }

  /** A URL valid until {@code expires} for exactly {@code resourceUrl} (which may have a query). */
  public String cannedUrl(String resourceUrl, Instant expires) {
    String sig = CloudFrontBase64.encode(signature(CloudFrontPolicy.canned(resourceUrl, expires).toJson().getBytes(StandardCharsets.UTF_8)));
    return withParameters(resourceUrl, "Expires=" + expires.getEpochSecond() + "&Signature=" + sig);
  }

  /** {@code resourceUrl} carrying {@code policy}, whose resource may be a pattern covering it. */
  public String customUrl(String resourceUrl, CloudFrontPolicy policy) {
    String json = policy.toJson();
    String sig = CloudFrontBase64.encode(signature(json.getBytes(StandardCharsets.UTF_8)));
    return withParameters(resourceUrl, "Policy=" + CloudFrontBase64.encode(json.getBytes(StandardCharsets.UTF_8)) + "&Signature=" + sig);
  }

  /** The three (four with SHA-256) cookies that carry {@code policy}. */
  public CloudFrontCookies cookies(CloudFrontPolicy policy) {
    byte[] json = policy.toJson().getBytes(StandardCharsets.UTF_8);
    return new CloudFrontCookies(CloudFrontBase64.encode(json), CloudFrontBase64.encode(signature(json)), keyPairId,
        hash == CloudFrontHash.SHA1 ? null : hash.name());
  }

  @Override
  public String sign(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    if (grant.sessionId() != null) {
      throw new IllegalArgumentException("CloudFront URLs carry no session id");
    }
    String ip = grant.checkedClientIp();
    String url = origin + path;
    String signed = ip == null
        ? cannedUrl(url, Instant.ofEpochSecond(grant.checkedExpiry()))
        : customUrl(url, new CloudFrontPolicy(url, Instant.ofEpochSecond(grant.checkedExpiry()), null,
            ip + (ip.indexOf(':') >= 0 ? "/128" : "/32")));
    return signed.substring(origin.length());
  }

  @Override
  public String toString() {
    return "CloudFrontSigner[origin=" + origin + ", keyPairId=" + keyPairId + ", hash=" + hash + "]";
  }

  // As the SDK does: raw path, the URL's own query first, then ours; scheme://authority in front.
  private String withParameters(String resourceUrl, String signedParameters) {
    URI uri = URI.create(resourceUrl);
    if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("not an absolute URL without fragment: " + resourceUrl);
    }
    String query = uri.getRawQuery();
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()
        + (query != null ? "?" + query + "&" : "?") + signedParameters
        + "&Key-Pair-Id=" + keyPairId
        + (hash == CloudFrontHash.SHA1 ? "" : "&Hash-Algorithm=" + hash.name());
  }

  private byte[] signature(byte[] data) {
    try {
      Signature s = Signature.getInstance(hash.jcaName());
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getClass().getSimpleName(), e);
    }
  }
}
