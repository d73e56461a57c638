package dev.keycard.core.signedurl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The signed cookies of a custom policy, which let one grant cover every URL the policy's resource
 * pattern matches (a whole stream directory) without touching the URLs. Set them on the
 * distribution's domain with {@code Secure; HttpOnly}.
 *
 * @param policy        the {@code CloudFront-Policy} value (the policy in CloudFront base64)
 * @param signature     the {@code CloudFront-Signature} value
 * @param keyPairId     the {@code CloudFront-Key-Pair-Id} value
 * @param hashAlgorithm the {@code CloudFront-Hash-Algorithm} value, or {@code null} for SHA-1
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html">CloudFront: signed cookies with a custom policy</a>
 */
public record CloudFrontCookies(String policy, String signature, String keyPairId, String hashAlgorithm) {
  public static final String POLICY = "CloudFront-Policy";
  public static final String SIGNATURE = "CloudFront-Signature";
  public static final String KEY_PAIR_ID = "CloudFront-Key-Pair-Id";
  public static final String HASH_ALGORITHM = "CloudFront-Hash-Algorithm";

  public CloudFrontCookies {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(keyPairId, "keyPairId");
  }

  /** {@code CloudFront-Policy=...}, the form the AWS SDK calls a header value. */
  public String policyCookie() {
    return POLICY + "=" + policy;
  }

  public String signatureCookie() {
    return SIGNATURE + "=" + signature;
  }

  public String keyPairIdCookie() {
    return KEY_PAIR_ID + "=" + keyPairId;
  }

  /** Cookie names to values, in the order to set them. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(POLICY, policy);
    m.put(SIGNATURE, signature);
    m.put(KEY_PAIR_ID, keyPairId);
    if (hashAlgorithm != null) {
      m.put(HASH_ALGORITHM, hashAlgorithm);
    }
    return m;
  }
}
