package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path-prefix token {@code /t/{payload}.{mac}/live/demo/...} (docs/signed-urls.md). */
class PathPrefixTokenTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final MutableClock clock = MutableClock.atFixedStart();
  private final UrlSigningKey k1 = UrlTestKeys.key("k1");
  private final UrlSigningKeys keys = UrlSigningKeys.of(k1);
  private final PathPrefixSigner signer = new PathPrefixSigner(keys);
  private final PathPrefixVerifier verifier = new PathPrefixVerifier(keys, clock);

  private Instant inOneHour() {
    return clock.instant().plus(Duration.ofHours(1));
  }

  private UrlCheck check(String path) {
    return verifier.verify(path, null, "192.0.2.10");
  }

  private static UrlRejection reason(UrlCheck c) {
    assertThat(c).isInstanceOf(UrlCheck.Invalid.class);
    return ((UrlCheck.Invalid) c).reason();
  }

  @Test
  void acceptsUrlItSigned() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-42"));

    assertThat(url).startsWith("/t/").endsWith("/live/demo/index.m3u8");
    assertThat(check(url)).isEqualTo(new UrlCheck.Valid("/live/demo/index.m3u8", "/live/demo/",
        Instant.ofEpochSecond(inOneHour().getEpochSecond()), "k1", "s-42"));
  }

  @Test
  void ticketCarriesItsMarkInThePayloadAndVerifiesAsATicket() {
    String ticket = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-42").asTicket());
    String token = ticket.substring(3, ticket.indexOf('/', 3));
    String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);

    assertThat(payload).endsWith("\ns-42\n\nticket");
    assertThat(((UrlCheck.Valid) check(ticket)).ticket()).isTrue();
    assertThat(((UrlCheck.Valid) check(signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour())))).ticket()).isFalse();
  }

  @Test
  void ticketMarkCannotBeRemovedOrAdded() {
    String ticket = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-42").asTicket());
    String plain = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-42"));

    assertThat(reason(check(withPayload(ticket, p -> p.substring(0, p.length() - "\nticket".length())))))
        .isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(withPayload(plain, p -> p + "\nticket")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(withPayload(plain, p -> p + "\nsession")))).isEqualTo(UrlRejection.MALFORMED);
  }

  private static String withPayload(String url, java.util.function.UnaryOperator<String> edit) {
    int end = url.indexOf('/', 3);
    String token = url.substring(3, end);
    int dot = token.indexOf('.');
    String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.US_ASCII);
    return "/t/" + B64.encodeToString(edit.apply(payload).getBytes(StandardCharsets.US_ASCII)) + token.substring(dot)
        + url.substring(end);
  }

  @Test
  void relativeSegmentUrisInThePlaylistInheritTheToken() {
    String playlist = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));
    URI base = URI.create("https://edge.example.com" + playlist);

    for (String segment : new String[] {"seg-00001.ts", "720p/seg-00001.m4s", "init.mp4"}) {
      String resolved = base.resolve(segment).getRawPath();
      UrlCheck c = check(resolved);
      assertThat(c.valid()).as(segment).isTrue();
      assertThat(((UrlCheck.Valid) c).path()).isEqualTo("/live/demo/" + segment);
    }
  }

  @Test
  void macIsHmacSha256OfTheDocumentedCanonicalString() throws Exception {
    long exp = inOneHour().getEpochSecond();
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()).forSession("s-42").boundTo("192.0.2.10"));

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k1.secret(), "HmacSHA256"));
    String payload = "/live/demo/\n" + exp + "\nk1\ns-42\nip";
    String canonical = "keycard-prefix-v1\n/live/demo/\n" + exp + "\nk1\ns-42\n192.0.2.10";
    String token = B64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "."
        + B64.encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.US_ASCII)));
    assertThat(url).isEqualTo("/t/" + token + "/live/demo/index.m3u8");
  }

  @Test
  void prefixTokenDoesNotCoverSiblingDirectoryWithSamePrefix() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));

    assertThat(reason(check(url.replace("/live/demo/", "/live/demo2/")))).isEqualTo(UrlRejection.WRONG_SCOPE);
    assertThat(reason(check(url.replace("/live/demo/index.m3u8", "/live/demo")))).isEqualTo(UrlRejection.WRONG_SCOPE);
  }

  @Test
  void rejectsUrlSignedForAnotherStream() {
    String url = signer.sign(UrlGrant.of("/live/a/index.m3u8", inOneHour()));

    assertThat(reason(check(url.replace("/live/a/", "/live/b/")))).isEqualTo(UrlRejection.WRONG_SCOPE);
    assertThat(reason(check(url.replace("/live/a/index.m3u8", "/vod/a/index.m3u8")))).isEqualTo(UrlRejection.WRONG_SCOPE);
  }

  @Test
  void coversSubdirectoriesOfTheSignedDirectory() {
    String url = signer.sign(UrlGrant.of("/live/demo/", inOneHour()));

    assertThat(check(url + "1080p/seg-1.m4s").valid()).isTrue();
  }

  @Test
  void rejectsExpiredUrl() {
    String url = signer.sign(UrlGrant.of("/live/demo/index.m3u8", inOneHour()));
    clock.advance(Duration.ofHours(1));

    assertThat(reason(check(url))).isEqualTo(UrlRejection.EXPIRED);
  }

  @Test
  void rejectsTamperedPrefixInToken() {
    String url = signer.sign(UrlGrant.of("/live/a/index.m3u8", inOneHour()));
    String token = url.substring(3, url.indexOf('/', 3));
    String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);
    String widened = B64.encodeToString(payload.replace("/live/a/", "/live/").getBytes(StandardCharsets.US_ASCII))
        + token.substring(token.indexOf('.'));

    assertThat(reason(check("/t/" + widened + "/live/b/index.m3u8"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsExtendedExpiryInToken() {
    long exp = inOneHour().getEpochSecond();
    String url = signer.sign(UrlGrant.of("/live/a/index.m3u8", inOneHour()));
    String token = url.substring(3, url.indexOf('/', 3));
    String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);
    String extended = B64.encodeToString(payload.replace(Long.toString(exp), Long.toString(exp + 86_400)).getBytes(StandardCharsets.US_ASCII))
        + token.substring(token.indexOf('.'));

    assertThat(reason(check("/t/" + extended + "/live/a/index.m3u8"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsUnknownKeyId() {
    String url = new PathPrefixSigner(UrlSigningKeys.of(UrlTestKeys.key("k9"))).sign(UrlGrant.of("/live/a/1.ts", inOneHour()));

    assertThat(reason(check(url))).isEqualTo(UrlRejection.UNKNOWN_KEY);
  }

  @Test
  void acceptsUrlSignedWithPreviousKeyAfterRotation() {
    String before = signer.sign(UrlGrant.of("/live/a/1.ts", inOneHour()));
    UrlSigningKeys rotated = keys.rotateTo(UrlTestKeys.key("k2"));

    assertThat(new PathPrefixVerifier(rotated, clock).verify(before, null, null).valid()).isTrue();
    assertThat(reason(new PathPrefixVerifier(rotated.retire("k1"), clock).verify(before, null, null))).isEqualTo(UrlRejection.UNKNOWN_KEY);
  }

  @Test
  void isNotConfusedWithKeycardQuerySignatureUnderTheSameKey() {
    // Same key, same fields: only the label differs, so one scheme's MAC never verifies in the other.
    long exp = inOneHour().getEpochSecond();
    String querySig = new HmacUrlSigner(keys).sign(UrlGrant.of("/live/a/", inOneHour()));
    String mac = querySig.substring(querySig.indexOf("&sig=") + 5);
    String payload = B64.encodeToString(("/live/a/\n" + exp + "\nk1\n\n").getBytes(StandardCharsets.US_ASCII));

    assertThat(reason(check("/t/" + payload + "." + mac + "/live/a/1.ts"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../../etc/passwd", "/%2e%2e/secret/x", "//live/a/1.ts", "/live/a/%2f/x"})
  void rejectsPathTraversal(String tail) {
    String url = signer.sign(UrlGrant.of("/live/a/1.ts", inOneHour()));
    String token = url.substring(0, url.indexOf("/live/"));

    assertThat(reason(check(token + "/live/a" + tail))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
  }

  @Test
  void rejectsMissingSignature() {
    assertThat(reason(check("/live/a/index.m3u8"))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/t/", "/t/abc", "/t/abc/live/a/1.ts", "/t/.abc/live/a/1.ts", "/t/abc.def/live/a/1.ts",
      "/t/a!b.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/live/a/1.ts",
      "/t/YQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/live/a/1.ts"})
  void rejectsMalformedToken(String path) {
    assertThat(reason(check(path))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void acceptsBoundTokenOnlyFromItsClientAddress() {
    String url = signer.sign(UrlGrant.of("/live/a/1.ts", inOneHour()).boundTo("192.0.2.10"));

    assertThat(verifier.verify(url, null, "192.0.2.10").valid()).isTrue();
    assertThat(reason(verifier.verify(url, null, "198.51.100.7"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(verifier.verify(url, null, null))).isEqualTo(UrlRejection.WRONG_CLIENT);
  }

  @Test
  void signerRefusesToCoverTheWholeSite() {
    assertThatThrownBy(() -> signer.sign(UrlGrant.of("/index.m3u8", inOneHour()))).isInstanceOf(IllegalArgumentException.class);
  }
}
