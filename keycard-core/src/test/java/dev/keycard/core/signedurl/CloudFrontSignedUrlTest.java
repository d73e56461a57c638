package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCannedPolicy;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;
import software.amazon.awssdk.services.cloudfront.utils.SigningHashAlgorithm;

/**
 * Amazon CloudFront signed URLs and cookies: byte-for-byte equal to the AWS SDK for Java 2.x
 * ({@code CloudFrontUtilities}), and accepted (or refused) by our verifier.
 */
class CloudFrontSignedUrlTest {
  private static final String ORIGIN = "https://cdn.example.com";
  private static final String KEY_PAIR_ID = "K2JCJMDEHXQW5F";
  private static KeyPair rsa;
  private static KeyPair otherRsa;

  private final CloudFrontUtilities sdk = CloudFrontUtilities.create();
  private final MutableClock clock = MutableClock.atFixedStart();
  private final Instant expires = Instant.parse("2026-11-29T13:00:00Z");
  private CloudFrontSigner signer;
  private CloudFrontVerifier verifier;

  @BeforeAll
  static void generateKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
    otherRsa = g.generateKeyPair();
  }

  @org.junit.jupiter.api.BeforeEach
  void build() {
    signer = new CloudFrontSigner(ORIGIN, KEY_PAIR_ID, rsa.getPrivate());
    verifier = new CloudFrontVerifier(ORIGIN, Map.of(KEY_PAIR_ID, rsa.getPublic()), clock);
  }

  private UrlCheck check(String url, String clientIp) {
    URI u = URI.create(url);
    assertThat(ORIGIN + u.getRawPath()).isEqualTo(url.substring(0, ORIGIN.length() + u.getRawPath().length()));
    return verifier.verify(u.getRawPath(), u.getRawQuery(), clientIp);
  }

  private static UrlRejection reason(UrlCheck c) {
    assertThat(c).isInstanceOf(UrlCheck.Invalid.class);
    return ((UrlCheck.Invalid) c).reason();
  }

  private String sdkCanned(String url) {
    return sdk.getSignedUrlWithCannedPolicy(r -> r.resourceUrl(url).privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID)
        .expirationDate(expires)).url();
  }

  private String sdkCustom(String url, String pattern, Instant activeDate, String ipRange) {
    return sdk.getSignedUrlWithCustomPolicy(r -> r.resourceUrl(url).resourceUrlPattern(pattern).privateKey(rsa.getPrivate())
        .keyPairId(KEY_PAIR_ID).expirationDate(expires).activeDate(activeDate).ipRange(ipRange)).url();
  }

  @Test
  void cannedUrlEqualsAwsSdk() {
    String url = ORIGIN + "/live/demo/index.m3u8";

    assertThat(signer.cannedUrl(url, expires)).isEqualTo(sdkCanned(url));
  }

  @Test
  void cannedUrlWithItsOwnQueryEqualsAwsSdk() {
    String url = ORIGIN + "/live/demo/index.m3u8?quality=720p&lang=en";

    assertThat(signer.cannedUrl(url, expires)).isEqualTo(sdkCanned(url));
  }

  @Test
  void customPolicyUrlEqualsAwsSdk() {
    String url = ORIGIN + "/live/demo/index.m3u8";
    String pattern = ORIGIN + "/live/demo/*";
    CloudFrontPolicy policy = new CloudFrontPolicy(pattern, expires, null, null);

    assertThat(signer.customUrl(url, policy)).isEqualTo(sdkCustom(url, pattern, null, null));
  }

  @Test
  void customPolicyUrlWithAddressAndStartEqualsAwsSdk() {
    String url = ORIGIN + "/live/demo/index.m3u8";
    String pattern = ORIGIN + "/live/demo/*";
    Instant active = Instant.parse("2026-11-29T11:55:00Z");
    CloudFrontPolicy policy = new CloudFrontPolicy(pattern, expires, active, "192.0.2.0/24");

    assertThat(signer.customUrl(url, policy)).isEqualTo(sdkCustom(url, pattern, active, "192.0.2.0/24"));
  }

  @Test
  void customPolicyCookiesEqualAwsSdk() {
    String url = ORIGIN + "/live/demo/index.m3u8";
    String pattern = ORIGIN + "/live/demo/*";
    CookiesForCustomPolicy theirs = sdk.getCookiesForCustomPolicy(r -> r.resourceUrl(url).resourceUrlPattern(pattern)
        .privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID).expirationDate(expires).ipRange("192.0.2.0/24"));
    CloudFrontCookies ours = signer.cookies(new CloudFrontPolicy(pattern, expires, null, "192.0.2.0/24"));

    assertThat(ours.policyCookie()).isEqualTo(theirs.policyHeaderValue());
    assertThat(ours.signatureCookie()).isEqualTo(theirs.signatureHeaderValue());
    assertThat(ours.keyPairIdCookie()).isEqualTo(theirs.keyPairIdHeaderValue());
    assertThat(ours.hashAlgorithm()).isNull();
    assertThat(ours.asMap()).containsOnlyKeys("CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id");
  }

  @Test
  void sha256UrlAndCookiesEqualAwsSdk() {
    CloudFrontSigner sha256 = new CloudFrontSigner(ORIGIN, KEY_PAIR_ID, rsa.getPrivate(), CloudFrontHash.SHA256);
    String url = ORIGIN + "/live/demo/index.m3u8";
    String pattern = ORIGIN + "/live/demo/*";
    String theirs = sdk.getSignedUrlWithCannedPolicy(r -> r.resourceUrl(url).privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID)
        .expirationDate(expires).hashAlgorithm(SigningHashAlgorithm.SHA256)).url();
    CookiesForCustomPolicy theirCookies = sdk.getCookiesForCustomPolicy(r -> r.resourceUrl(url).resourceUrlPattern(pattern)
        .privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID).expirationDate(expires).hashAlgorithm(SigningHashAlgorithm.SHA256));
    CloudFrontCookies ours = sha256.cookies(new CloudFrontPolicy(pattern, expires, null, null));

    assertThat(sha256.cannedUrl(url, expires)).isEqualTo(theirs).endsWith("&Hash-Algorithm=SHA256");
    assertThat(ours.signatureCookie()).isEqualTo(theirCookies.signatureHeaderValue());
    assertThat("CloudFront-Hash-Algorithm=" + ours.hashAlgorithm()).isEqualTo(theirCookies.hashAlgorithmHeaderValue());
    assertThat(check(theirs, null).valid()).isTrue();
  }

  @Test
  void verifierAcceptsAwsSdkCannedUrl() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(check(url, "198.51.100.7")).isEqualTo(new UrlCheck.Valid("/live/demo/index.m3u8",
        ORIGIN + "/live/demo/index.m3u8", expires, KEY_PAIR_ID, null));
  }

  @Test
  void verifierAcceptsAwsSdkCannedUrlWithItsOwnQuery() {
    assertThat(check(sdkCanned(ORIGIN + "/live/demo/index.m3u8?quality=720p"), null).valid()).isTrue();
  }

  @Test
  void verifierAcceptsAwsSdkCustomPolicyUrlForEveryFileOfTheStream() {
    String url = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", null, "192.0.2.0/24");
    URI u = URI.create(url);

    assertThat(check(url, "192.0.2.10").valid()).isTrue();
    assertThat(verifier.verify("/live/demo/seg-00042.ts", u.getRawQuery(), "192.0.2.10").valid()).isTrue();
  }

  @Test
  void verifierAcceptsAwsSdkCookies() {
    CookiesForCustomPolicy theirs = sdk.getCookiesForCustomPolicy(r -> r.resourceUrl(ORIGIN + "/live/demo/index.m3u8")
        .resourceUrlPattern(ORIGIN + "/live/demo/*").privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID).expirationDate(expires));
    Map<String, String> cookies = Map.of(
        "CloudFront-Policy", value(theirs.policyHeaderValue()),
        "CloudFront-Signature", value(theirs.signatureHeaderValue()),
        "CloudFront-Key-Pair-Id", value(theirs.keyPairIdHeaderValue()));

    assertThat(verifier.verifyCookies("/live/demo/seg-1.ts", null, "198.51.100.7", cookies).valid()).isTrue();
    assertThat(reason(verifier.verifyCookies("/live/other/seg-1.ts", null, "198.51.100.7", cookies))).isEqualTo(UrlRejection.WRONG_SCOPE);
  }

  @Test
  void verifierAcceptsAwsSdkCannedCookies() {
    CookiesForCannedPolicy theirs = sdk.getCookiesForCannedPolicy(r -> r.resourceUrl(ORIGIN + "/live/demo/index.m3u8")
        .privateKey(rsa.getPrivate()).keyPairId(KEY_PAIR_ID).expirationDate(expires));
    Map<String, String> cookies = Map.of(
        "CloudFront-Expires", value(theirs.expiresHeaderValue()),
        "CloudFront-Signature", value(theirs.signatureHeaderValue()),
        "CloudFront-Key-Pair-Id", value(theirs.keyPairIdHeaderValue()));

    assertThat(verifier.verifyCookies("/live/demo/index.m3u8", null, null, cookies).valid()).isTrue();
    assertThat(reason(verifier.verifyCookies("/live/demo/seg-1.ts", null, null, cookies))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsTamperedPath() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(url.replace("index.m3u8", "seg-1.ts"), null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsExtendedExpiry() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(url.replace("Expires=" + expires.getEpochSecond(), "Expires=" + (expires.getEpochSecond() + 86_400)), null)))
        .isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsWidenedPolicy() {
    String url = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", null, null);
    String widened = CloudFrontBase64.encode(new CloudFrontPolicy(ORIGIN + "/*", expires, null, null).toJson().getBytes(StandardCharsets.UTF_8));
    String tampered = url.replaceFirst("Policy=[^&]*", "Policy=" + widened.replace("$", "\\$"));

    assertThat(reason(check(tampered.replace("/live/demo/", "/live/other/"), null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsUrlSignedForAnotherStream() {
    String url = sdkCustom(ORIGIN + "/live/a/index.m3u8", ORIGIN + "/live/a/*", null, null);

    assertThat(reason(check(url.replace("/live/a/", "/live/b/"), null))).isEqualTo(UrlRejection.WRONG_SCOPE);
  }

  @Test
  void rejectsExpiredUrl() {
    String canned = sdkCanned(ORIGIN + "/live/demo/index.m3u8");
    String custom = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", null, null);
    clock.set(expires);

    assertThat(reason(check(canned, null))).isEqualTo(UrlRejection.EXPIRED);
    assertThat(reason(check(custom, null))).isEqualTo(UrlRejection.EXPIRED);
  }

  @Test
  void rejectsUrlBeforeItsStart() {
    String url = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", clock.instant().plus(Duration.ofMinutes(10)), null);

    assertThat(reason(check(url, null))).isEqualTo(UrlRejection.NOT_YET_VALID);
    clock.advance(Duration.ofMinutes(10));
    assertThat(check(url, null).valid()).isTrue();
  }

  @Test
  void rejectsClientOutsideThePolicyAddressRange() {
    String url = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", null, "192.0.2.0/24");

    assertThat(reason(check(url, "198.51.100.7"))).isEqualTo(UrlRejection.WRONG_CLIENT);
    assertThat(reason(check(url, null))).isEqualTo(UrlRejection.WRONG_CLIENT);
  }

  @Test
  void rejectsUnknownKeyId() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(url.replace("Key-Pair-Id=" + KEY_PAIR_ID, "Key-Pair-Id=KOTHER"), null))).isEqualTo(UrlRejection.UNKNOWN_KEY);
  }

  @Test
  void rejectsUrlSignedByAnotherKeyUnderAKnownId() {
    String forged = new CloudFrontSigner(ORIGIN, KEY_PAIR_ID, otherRsa.getPrivate()).cannedUrl(ORIGIN + "/live/demo/index.m3u8", expires);

    assertThat(reason(check(forged, null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void acceptsUrlSignedWithPreviousKeyAfterRotation() {
    String before = sdkCanned(ORIGIN + "/live/demo/index.m3u8");
    String after = new CloudFrontSigner(ORIGIN, "KNEW", otherRsa.getPrivate()).cannedUrl(ORIGIN + "/live/demo/index.m3u8", expires);
    verifier = new CloudFrontVerifier(ORIGIN, Map.of(KEY_PAIR_ID, rsa.getPublic(), "KNEW", otherRsa.getPublic()), clock);

    assertThat(check(before, null).valid()).isTrue();
    assertThat(check(after, null).valid()).isTrue();
  }

  @Test
  void rejectsDuplicateParameters() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(url + "&Expires=9999999999", null))).isEqualTo(UrlRejection.DUPLICATE_PARAMETER);
  }

  @Test
  void rejectsParametersAfterTheSignature() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(url + "&quality=1080p", null))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void rejectsMissingSignature() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");

    assertThat(reason(check(ORIGIN + "/live/demo/index.m3u8", null))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
    assertThat(reason(check(url.replaceFirst("&Signature=[^&]*", ""), null))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
  }

  @Test
  void rejectsPathTraversal() {
    String url = sdkCanned(ORIGIN + "/live/demo/index.m3u8");
    String query = URI.create(url).getRawQuery();

    assertThat(reason(verifier.verify("/live/demo/../../secret", query, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThat(reason(verifier.verify("/live/demo/%2e%2e/secret", query, null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
  }

  @Test
  void rejectsMalformedSignatureOrPolicy() {
    String url = sdkCustom(ORIGIN + "/live/demo/index.m3u8", ORIGIN + "/live/demo/*", null, null);

    assertThat(reason(check(url.replaceFirst("Signature=[^&]*", "Signature=not/base64!"), null))).isEqualTo(UrlRejection.MALFORMED);
    assertThat(reason(check(url.replaceFirst("Signature=[^&]*", "Signature=AAAA"), null))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(url.replaceFirst("Policy=[^&]*", "Policy=!!!"), null))).isEqualTo(UrlRejection.MALFORMED);
    assertThat(reason(check(url + "&Expires=1767225600", null))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void signsGrantsAsPathsOfItsDistribution() {
    String canned = signer.sign(UrlGrant.of("/live/demo/index.m3u8", expires));
    String bound = signer.sign(UrlGrant.of("/live/demo/index.m3u8", expires).boundTo("192.0.2.10"));

    assertThat(canned).isEqualTo(sdkCanned(ORIGIN + "/live/demo/index.m3u8").substring(ORIGIN.length()));
    assertThat(bound).contains("?Policy=");
    assertThat(check(ORIGIN + canned, null).valid()).isTrue();
    assertThat(check(ORIGIN + bound, "192.0.2.10").valid()).isTrue();
    assertThat(reason(check(ORIGIN + bound, "192.0.2.11"))).isEqualTo(UrlRejection.WRONG_CLIENT);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/live/demo/index.m3u8", expires).forSession("s1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void policyWildcardsMatchLikeCloudFront() {
    CloudFrontPolicy p = new CloudFrontPolicy(ORIGIN + "/live/*/seg-?.ts", expires, null, null);

    assertThat(p.covers(ORIGIN + "/live/demo/seg-1.ts")).isTrue();
    assertThat(p.covers(ORIGIN + "/live/a/b/seg-2.ts")).isTrue();
    assertThat(p.covers(ORIGIN + "/live/demo/seg-10.ts")).isFalse();
    assertThat(p.covers("https://evil.example.com/live/demo/seg-1.ts")).isFalse();
    assertThat(new CloudFrontPolicy(ORIGIN + "/live/demo/*", expires, null, null).covers(ORIGIN + "/live/demo2/x")).isFalse();
  }

  @Test
  void refusesPolicyTextThatWouldChangeTheJson() {
    assertThatThrownBy(() -> new CloudFrontPolicy(ORIGIN + "/live/\"},\"x\":{\"", expires, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CloudFrontPolicy(ORIGIN + "/live/*", expires, null, "not-an-ip"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String value(String headerValue) {
    return headerValue.substring(headerValue.indexOf('=') + 1);
  }
}
