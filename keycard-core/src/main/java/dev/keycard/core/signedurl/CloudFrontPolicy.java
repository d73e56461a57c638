package dev.keycard.core.signedurl;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CloudFront access policy: one statement whose resource may hold the wildcards {@code *} (any
 * run of characters) and {@code ?} (one character), valid before {@code dateLessThan}, optionally
 * not before {@code dateGreaterThan} and only from {@code sourceIp} (a CIDR block).
 *
 * <p>{@link #toJson()} writes the policy exactly as the AWS SDK for Java 2.x does (compact, keys in
 * the order Resource, DateLessThan, IpAddress, DateGreaterThan): the signature covers these bytes,
 * and a canned policy is the same document with only a date and an exact resource, rebuilt by the
 * verifier from the request URL.
 *
 * @param resource        the URL or URL pattern, e.g. {@code https://cdn.example.com/live/demo/*}
 * @param dateLessThan    the first instant the policy no longer allows (whole seconds)
 * @param dateGreaterThan the instant before which it does not allow yet, or {@code null}
 * @param sourceIp        the allowed client block, e.g. {@code 192.0.2.0/24}, or {@code null}
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html">CloudFront: signed URL with a custom policy</a>
 */
public record CloudFrontPolicy(String resource, Instant dateLessThan, Instant dateGreaterThan, String sourceIp) {
  static final int MAX_RESOURCE_LENGTH = 4096;

  public CloudFrontPolicy {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(dateLessThan, "dateLessThan");
    if (!isPolicyText(resource)) {
      throw new IllegalArgumentException("a policy resource is printable ASCII without quotes or backslashes");
    }
    if (sourceIp != null && IpRange.parse(sourceIp) == null) {
      throw new IllegalArgumentException("sourceIp must be a CIDR block such as 192.0.2.0/24");
    }
  }

  /** A policy with only the resource and the expiry: the form of a canned policy. */
  public static CloudFrontPolicy canned(String resourceUrl, Instant expires) {
    return new CloudFrontPolicy(resourceUrl, expires, null, null);
  }

  public CloudFrontPolicy notBefore(Instant dateGreaterThan) {
    return new CloudFrontPolicy(resource, dateLessThan, dateGreaterThan, sourceIp);
  }

  public CloudFrontPolicy fromAddresses(String sourceIp) {
    return new CloudFrontPolicy(resource, dateLessThan, dateGreaterThan, sourceIp);
  }

  public String toJson() {
    StringBuilder b = new StringBuilder(160 + resource.length())
        .append("{\"Statement\":[{\"Resource\":\"").append(resource)
        .append("\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":").append(dateLessThan.getEpochSecond()).append('}');
    if (sourceIp != null) {
      b.append(",\"IpAddress\":{\"AWS:SourceIp\":\"").append(sourceIp).append("\"}");
    }
    if (dateGreaterThan != null) {
      b.append(",\"DateGreaterThan\":{\"AWS:EpochTime\":").append(dateGreaterThan.getEpochSecond()).append('}');
    }
    return b.append("}}]}").toString();
  }

  /**
   * Whether {@code url} matches the resource, {@code *} standing for any run of characters and
   * {@code ?} for one. Greedy matching with one backtrack point: linear in practice, never
   * exponential, unlike a regular expression built from the pattern.
   */
  public boolean covers(String url) {
    String p = resource;
    int pi = 0, ui = 0, star = -1, mark = 0;
    while (ui < url.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == url.charAt(ui))) {
        pi++;
        ui++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = ui;
      } else if (star >= 0) {
        pi = star + 1;
        ui = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  static boolean isPolicyText(String s) {
    if (s.isEmpty() || s.length() > MAX_RESOURCE_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static final Set<String> CONDITIONS = Set.of("DateLessThan", "DateGreaterThan", "IpAddress");

  /**
   * Reads a policy document (after its signature has been checked), or {@code null} when it is not
   * exactly one statement with known conditions: anything CloudFront would not accept either.
   */
  static CloudFrontPolicy parse(String json) {
    try {
      Map<String, Object> doc = JSONObjectUtils.parse(json);
      if (doc.size() != 1) {
        return null;
      }
      Map<String, Object>[] statements = JSONObjectUtils.getJSONObjectArray(doc, "Statement");
      if (statements == null || statements.length != 1 || statements[0].size() != 2) {
        return null;
      }
      String resource = JSONObjectUtils.getString(statements[0], "Resource");
      Map<String, Object> condition = JSONObjectUtils.getJSONObject(statements[0], "Condition");
      if (resource == null || condition == null || !CONDITIONS.containsAll(condition.keySet())) {
        return null;
      }
      Instant lessThan = epoch(condition, "DateLessThan");
      if (lessThan == null) {
        return null;
      }
      Instant greaterThan = condition.containsKey("DateGreaterThan") ? epoch(condition, "DateGreaterThan") : null;
      if (condition.containsKey("DateGreaterThan") && greaterThan == null) {
        return null;
      }
      String ip = null;
      if (condition.containsKey("IpAddress")) {
        Map<String, Object> ipCondition = JSONObjectUtils.getJSONObject(condition, "IpAddress");
        ip = ipCondition == null || ipCondition.size() != 1 ? null : JSONObjectUtils.getString(ipCondition, "AWS:SourceIp");
        if (ip == null || IpRange.parse(ip) == null) {
          return null;
        }
      }
      if (!isPolicyText(resource)) {
        return null;
      }
      return new CloudFrontPolicy(resource, lessThan, greaterThan, ip);
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  private static Instant epoch(Map<String, Object> condition, String name) throws ParseException {
    Map<String, Object> date = JSONObjectUtils.getJSONObject(condition, name);
    if (date == null || date.size() != 1 || !(date.get("AWS:EpochTime") instanceof Number n)
        || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
      return null;
    }
    return Instant.ofEpochSecond(n.longValue());
  }
}
