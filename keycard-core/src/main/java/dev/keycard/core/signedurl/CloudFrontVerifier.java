package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Accepts CloudFront signed URLs and cookies at keycard's own edge, so a deployment can move
 * between CloudFront and keycard without re-issuing its URLs. Checks, in order: the path rule, the
 * parameters (each once, CloudFront's after the URL's own), the key pair id, the RSA signature over
 * the policy (rebuilt from the URL for a canned policy), then the policy: dates, resource, address.
 *
 * <p>The resource a policy is matched against is {@code origin + raw path}, plus {@code ?} and the
 * query parameters that precede CloudFront's, exactly the URL the signer was given.
 */
public final class CloudFrontVerifier implements SignedUrlVerifier {
  private static final String[] NAMES = {"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"};
  private static final int EXPIRES = 0, POLICY = 1, SIGNATURE = 2, KEY_PAIR_ID = 3, HASH = 4;
  /** A policy parameter longer than this is refused before it is decoded. */
  static final int MAX_POLICY_LENGTH = 8192;

  private final String origin;
  private final Map<String, PublicKey> keys;
  private final InstantSource clock;
  private final ThreadLocal<EnumMap<CloudFrontHash, Signature>> signatures =
      ThreadLocal.withInitial(CloudFrontVerifier::newSignatures);

  /**
   * @param origin the distribution as viewers reach it, {@code https://cdn.example.com}
   * @param keys   public keys by key pair id; any of them verifies, so keys can rotate
   */
  public CloudFrontVerifier(String origin, Map<String, PublicKey> keys, InstantSource clock) {
    this.origin = checkedOrigin(origin);
    this.keys = Map.copyOf(keys);
    this.clock = Objects.requireNonNull(clock, "clock");
    if (this.keys.isEmpty()) {
      throw new IllegalArgumentException("at least one public key is needed");
    }
    this.keys.forEach((id, k) -> {
      if (!UrlAlphabet.isToken(id) || !"RSA".equals(k.getAlgorithm())) {
        throw new IllegalArgumentException("key pair ids match [A-Za-z0-9._-]+ and keys are RSA: " + id);
      }
    });
    newSignatures(); // fail now if the JDK lacks an algorithm
  }

  @Override
  public UrlCheck verify(String rawPath, String rawQuery, String clientIp) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    if (rawQuery == null) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    String[] v = new String[NAMES.length];
    UrlRejection queryProblem = QueryParameters.extract(rawQuery, NAMES, v);
    if (queryProblem != null) {
      return queryProblem.asCheck();
    }
    if (v[SIGNATURE] == null) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    // CloudFront's parameters come last; anything after them would be unsigned yet look signed.
    int first = QueryParameters.offsetOfFirst(rawQuery, NAMES);
    int tail = first;
    while (tail >= 0 && tail < rawQuery.length()) {
      int amp = rawQuery.indexOf('&', tail);
      int end = amp < 0 ? rawQuery.length() : amp;
      if (QueryParameters.offsetOfFirst(rawQuery.substring(tail, end), NAMES) != 0) {
        return UrlRejection.MALFORMED.asCheck();
      }
      tail = end + 1;
    }
    String ownQuery = first == 0 ? null : rawQuery.substring(0, first - 1);
    if (ownQuery != null && !CloudFrontPolicy.isPolicyText(ownQuery)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    return check(resourceOf(rawPath, ownQuery), rawPath, v[EXPIRES], v[POLICY], v[SIGNATURE], v[KEY_PAIR_ID], v[HASH], clientIp);
  }

  /**
   * Checks a request that carries CloudFront signed cookies instead of a signed URL.
   *
   * @param cookies the request's cookies by name; only CloudFront's are read
   */
  public UrlCheck verifyCookies(String rawPath, String rawQuery, String clientIp, Map<String, String> cookies) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    String signature = cookies.get(CloudFrontCookies.SIGNATURE);
    if (signature == null) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    if (rawQuery != null && !rawQuery.isEmpty() && !CloudFrontPolicy.isPolicyText(rawQuery)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    return check(resourceOf(rawPath, rawQuery == null || rawQuery.isEmpty() ? null : rawQuery), rawPath,
        cookies.get("CloudFront-Expires"), cookies.get(CloudFrontCookies.POLICY), signature,
        cookies.get(CloudFrontCookies.KEY_PAIR_ID), cookies.get(CloudFrontCookies.HASH_ALGORITHM), clientIp);
  }

  private UrlCheck check(String resource, String rawPath, String expires, String policy, String signature,
                         String keyPairId, String hashName, String clientIp) {
    if (keyPairId == null || (expires == null) == (policy == null)) {
      return UrlRejection.MALFORMED.asCheck();
    }
    CloudFrontHash hash = CloudFrontHash.fromParameter(hashName);
    byte[] sig = CloudFrontBase64.decode(signature);
    if (hash == null || sig == null) {
      return UrlRejection.MALFORMED.asCheck();
    }
    PublicKey key = keys.get(keyPairId);
    if (key == null) {
      return UrlRejection.UNKNOWN_KEY.asCheck();
    }
    long now = Math.floorDiv(clock.millis(), 1000);
    if (expires != null) {
      long exp = UrlAlphabet.parseEpochSeconds(expires);
      if (exp <= 0) {
        return UrlRejection.MALFORMED.asCheck();
      }
      byte[] canned = CloudFrontPolicy.canned(resource, Instant.ofEpochSecond(exp)).toJson().getBytes(StandardCharsets.UTF_8);
      if (!signatureValid(hash, key, canned, sig)) {
        return UrlRejection.BAD_SIGNATURE.asCheck();
      }
      if (now >= exp) {
        return UrlRejection.EXPIRED.asCheck();
      }
      return new UrlCheck.Valid(rawPath, resource, Instant.ofEpochSecond(exp), keyPairId, null);
    }
    if (policy.length() > MAX_POLICY_LENGTH) {
      return UrlRejection.MALFORMED.asCheck();
    }
    byte[] json = CloudFrontBase64.decode(policy);
    if (json == null) {
      return UrlRejection.MALFORMED.asCheck();
    }
    if (!signatureValid(hash, key, json, sig)) {
      return UrlRejection.BAD_SIGNATURE.asCheck();
    }
    CloudFrontPolicy p = CloudFrontPolicy.parse(new String(json, StandardCharsets.UTF_8));
    if (p == null) {
      return UrlRejection.MALFORMED.asCheck();
    }
    if (now >= p.dateLessThan().getEpochSecond()) {
      return UrlRejection.EXPIRED.asCheck();
    }
    if (p.dateGreaterThan() != null && now < p.dateGreaterThan().getEpochSecond()) {
      return UrlRejection.NOT_YET_VALID.asCheck();
    }
    if (!p.covers(resource)) {
      return UrlRejection.WRONG_SCOPE.asCheck();
    }
    if (p.sourceIp() != null && !IpRange.parse(p.sourceIp()).contains(clientIp)) {
      return UrlRejection.WRONG_CLIENT.asCheck();
    }
    return new UrlCheck.Valid(rawPath, p.resource(), p.dateLessThan(), keyPairId, null);
  }

  private String resourceOf(String rawPath, String query) {
    return query == null ? origin + rawPath : origin + rawPath + "?" + query;
  }

  private boolean signatureValid(CloudFrontHash hash, PublicKey key, byte[] data, byte[] sig) {
    Signature s = signatures.get().get(hash);
    try {
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      // A signature of the wrong length or shape is just a bad signature.
      return false;
    }
  }

  private static EnumMap<CloudFrontHash, Signature> newSignatures() {
    EnumMap<CloudFrontHash, Signature> m = new EnumMap<>(CloudFrontHash.class);
    try {
      for (CloudFrontHash h : CloudFrontHash.values()) {
        m.put(h, Signature.getInstance(h.jcaName()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("an RSA signature algorithm is unavailable", e);
    }
    return m;
  }

  /** {@code scheme://host[:port]}, nothing after. */
  static String checkedOrigin(String origin) {
    Objects.requireNonNull(origin, "origin");
    int sep = origin.indexOf("://");
    if (sep <= 0 || origin.length() == sep + 3 || origin.indexOf('/', sep + 3) >= 0 || origin.indexOf('?') >= 0
        || origin.indexOf('#') >= 0 || !CloudFrontPolicy.isPolicyText(origin)) {
      throw new IllegalArgumentException("an origin is scheme://host[:port] with no path, e.g. https://cdn.example.com");
    }
    return origin;
  }
}
