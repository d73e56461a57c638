package dev.keycard.core.signedurl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** keycard's own scheme: {@code ?exp=&kid=&sid=&bind=&sig=} with HMAC-SHA256 (docs/signed-urls.md). */
class HmacUrlSignerTest {
  private static final String PLAYLIST = "/live/demo/index.m3u8";

  private final MutableClock clock = MutableClock.atFixedStart();
  private final UrlSigningKey k1 = UrlTestKeys.key("k1");
  private final UrlSigningKeys keys = UrlSigningKeys.of(k1);
  private final HmacUrlSigner signer = new HmacUrlSigner(keys);
  private final HmacUrlVerifier verifier = new HmacUrlVerifier(keys, clock);

  private Instant inFiveMinutes() {
    return clock.instant().plus(Duration.ofMinutes(5));
  }

  private UrlCheck check(String url, String clientIp) {
    int q = url.indexOf('?');
    return q < 0 ? verifier.verify(url, null, clientIp) : verifier.verify(url.substring(0, q), url.substring(q + 1), clientIp);
  }

  private UrlCheck check(String url) {
    return check(url, "192.0.2.10");
  }

  private static UrlRejection reason(UrlCheck c) {
    assertThat(c).isInstanceOf(UrlCheck.Invalid.class);
    return ((UrlCheck.Invalid) c).reason();
  }

  @Test
  void acceptsUrlItSigned() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s-42"));

    assertThat(url).startsWith(PLAYLIST + "?exp=").contains("&kid=k1&sid=s-42&sig=");
    assertThat(check(url)).isEqualTo(new UrlCheck.Valid(PLAYLIST, PLAYLIST,
        Instant.ofEpochSecond(inFiveMinutes().getEpochSecond()), "k1", "s-42"));
  }

  @Test
  void signatureIsHmacSha256OfTheDocumentedCanonicalString() throws Exception {
    Instant exp = Instant.parse("2026-11-29T12:05:00Z");
    String url = signer.sign(UrlGrant.of(PLAYLIST, exp).forSession("s-42").boundTo("192.0.2.10"));

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k1.secret(), "HmacSHA256"));
    String canonical = "keycard-url-v1\n" + PLAYLIST + "\n" + exp.getEpochSecond() + "\nk1\ns-42\n192.0.2.10";
    String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.US_ASCII)));
    assertThat(url).isEqualTo(PLAYLIST + "?exp=" + exp.getEpochSecond() + "&kid=k1&sid=s-42&bind=ip&sig=" + sig);
  }

  @Test
  void ticketIsMarkedInTheUrlAndMacedUnderItsOwnLabel() throws Exception {
    Instant exp = Instant.parse("2026-11-29T12:05:00Z");
    String url = signer.sign(UrlGrant.of(PLAYLIST, exp).forSession("s-42").asTicket());

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k1.secret(), "HmacSHA256"));
    String canonical = "keycard-ticket-v1\n" + PLAYLIST + "\n" + exp.getEpochSecond() + "\nk1\ns-42\n";
    String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.US_ASCII)));
    assertThat(url).isEqualTo(PLAYLIST + "?exp=" + exp.getEpochSecond() + "&kid=k1&sid=s-42&use=ticket&sig=" + sig);
  }

  @Test
  void ticketVerifiesAsATicketAndABoundUrlNamesItsAddress() {
    String ticket = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s-42").asTicket());
    String bound = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s-42").boundTo("192.0.2.10"));

    assertThat(((UrlCheck.Valid) check(ticket)).ticket()).isTrue();
    assertThat(((UrlCheck.Valid) check(ticket)).boundIp()).isNull();
    assertThat(((UrlCheck.Valid) check(bound)).ticket()).isFalse();
    assertThat(((UrlCheck.Valid) check(bound)).boundIp()).isEqualTo("192.0.2.10");
  }

  @Test
  void ticketStrippedOfItsMarkIsNotASessionUrl() {
    String ticket = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s-42").asTicket());

    assertThat(reason(check(ticket.replace("&use=ticket", "")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void sessionUrlWithAnAddedTicketMarkIsRefused() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s-42"));

    assertThat(reason(check(url.replace("&sig=", "&use=ticket&sig=")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(url.replace("&sig=", "&use=session&sig=")))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void acceptsUrlUntilItsExpiry() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    clock.advance(Duration.ofMinutes(5).minusMillis(1));

    assertThat(check(url).valid()).isTrue();
  }

  @Test
  void rejectsExpiredUrl() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    clock.advance(Duration.ofMinutes(5));

    assertThat(reason(check(url))).isEqualTo(UrlRejection.EXPIRED);
    assertThat(UrlRejection.EXPIRED.httpStatus()).isEqualTo(410);
  }

  @Test
  void rejectsTamperedPath() {
    String url = signer.sign(UrlGrant.of("/live/demo/1.ts", inFiveMinutes()));

    assertThat(reason(check(url.replace("/1.ts", "/2.ts")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsUrlSignedForAnotherStream() {
    String url = signer.sign(UrlGrant.of("/live/a/index.m3u8", inFiveMinutes()));

    assertThat(reason(check(url.replace("/live/a/", "/live/b/")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsExtendedExpiry() {
    long exp = inFiveMinutes().getEpochSecond();
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(check(url.replace("exp=" + exp, "exp=" + (exp + 86_400))))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsSwappedSessionId() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("alice"));

    assertThat(reason(check(url.replace("sid=alice", "sid=bob")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(url.replace("&sid=alice", "")))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsTamperedSignature() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    char last = url.charAt(url.length() - 1);
    String tampered = url.substring(0, url.length() - 1) + (last == 'A' ? 'B' : 'A');

    assertThat(reason(check(tampered))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void rejectsUnknownKeyId() {
    UrlSigningKeys other = UrlSigningKeys.of(UrlTestKeys.key("k9"));
    String url = new HmacUrlSigner(other).sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(check(url))).isEqualTo(UrlRejection.UNKNOWN_KEY);
  }

  @Test
  void rejectsUrlSignedWithAnotherSecretUnderAKnownKeyId() {
    String forged = new HmacUrlSigner(UrlSigningKeys.of(UrlTestKeys.key("k1"))).sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(check(forged))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void acceptsUrlSignedWithPreviousKeyAfterRotation() {
    String before = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    UrlSigningKeys rotated = keys.rotateTo(UrlTestKeys.key("k2"));
    HmacUrlVerifier after = new HmacUrlVerifier(rotated, clock);
    String fresh = new HmacUrlSigner(rotated).sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(fresh).contains("&kid=k2&");
    assertThat(after.verify(PLAYLIST, before.substring(before.indexOf('?') + 1), null).valid()).isTrue();
    assertThat(after.verify(PLAYLIST, fresh.substring(fresh.indexOf('?') + 1), null).valid()).isTrue();
  }

  @Test
  void rejectsUrlSignedWithRetiredKey() {
    String before = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    UrlSigningKeys retired = keys.rotateTo(UrlTestKeys.key("k2")).retire("k1");

    assertThat(reason(new HmacUrlVerifier(retired, clock).verify(PLAYLIST, before.substring(before.indexOf('?') + 1), null)))
        .isEqualTo(UrlRejection.UNKNOWN_KEY);
  }

  @Test
  void rejectsDuplicateParameters() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));
    String sig = url.substring(url.indexOf("&sig="));

    assertThat(reason(check(url + sig))).isEqualTo(UrlRejection.DUPLICATE_PARAMETER);
    assertThat(reason(check(url + "&exp=9999999999"))).isEqualTo(UrlRejection.DUPLICATE_PARAMETER);
    assertThat(reason(check(url + "&kid=k1"))).isEqualTo(UrlRejection.DUPLICATE_PARAMETER);
  }

  @Test
  void rejectsPercentEncodedParameterName() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(check(url.replace("&sig=", "&%73ig=")))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void rejectsMissingSignature() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(check(PLAYLIST))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
    assertThat(reason(check(url.substring(0, url.indexOf("&sig="))))).isEqualTo(UrlRejection.MISSING_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"exp=abc", "exp=", "exp=0", "exp=01767225600", "exp=-5", "exp=1234567890123", "kid=", "kid=k%31",
      "sid=", "sid=a%20b", "bind=cidr", "sig=short"})
  void rejectsMalformedParameters(String replacement) {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("s1"));
    String name = replacement.substring(0, replacement.indexOf('=') + 1);
    String replaced = name.equals("bind=") ? url.replace("&sig=", "&" + replacement + "&sig=")
        : url.replaceAll("([?&])" + name + "[^&]*", "$1" + java.util.regex.Matcher.quoteReplacement(replacement));

    assertThat(reason(check(replaced))).isEqualTo(UrlRejection.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/live/../secret/key.bin", "/live/demo/..", "/live//demo/1.ts", "/live/%2e%2e/x", "/live/%2E%2E/x",
      "/live/demo%2f..%2fother", "/live/demo%2F1.ts", "/live\\demo", "/live/%5cdemo", "/live/%00.ts", "/live/./demo/1.ts",
      "/live/demo/.", "/live/%252e%252e/x", "/live/de mo", "/live/dé"})
  void rejectsPathTraversal(String path) {
    String genuine = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(reason(verifier.verify(path, genuine.substring(genuine.indexOf('?') + 1), null))).isEqualTo(UrlRejection.PATH_TRAVERSAL);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of(path, inFiveMinutes()))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "live/demo", "/live/%zz", "/live/%2", "/live?x"})
  void rejectsMalformedPath(String path) {
    assertThat(reason(verifier.verify(path, null, null))).isEqualTo(UrlRejection.MALFORMED);
  }

  @Test
  void acceptsBoundUrlOnlyFromItsClientAddress() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).boundTo("192.0.2.10"));

    assertThat(url).contains("&bind=ip&");
    assertThat(check(url, "192.0.2.10").valid()).isTrue();
    assertThat(reason(check(url, "198.51.100.7"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
    assertThat(reason(check(url, null))).isEqualTo(UrlRejection.WRONG_CLIENT);
  }

  @Test
  void comparesIpv6AddressesIgnoringCase() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).boundTo("2001:DB8::1"));

    assertThat(check(url, "2001:db8::1").valid()).isTrue();
  }

  @Test
  void rejectsUrlWhoseAddressBindingWasRemoved() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).boundTo("192.0.2.10"));

    assertThat(reason(check(url.replace("&bind=ip", ""), "198.51.100.7"))).isEqualTo(UrlRejection.BAD_SIGNATURE);
  }

  @Test
  void ignoresParametersItDoesNotSign() {
    String url = signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()));

    assertThat(check(url + "&_HLS_msn=12&_HLS_part=3").valid()).isTrue();
    assertThat(check(url.replace("?", "?_HLS_msn=12&")).valid()).isTrue();
  }

  @Test
  void signerRefusesGrantsItCouldNotVerify() {
    assertThatThrownBy(() -> signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).forSession("a b"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of(PLAYLIST, inFiveMinutes()).boundTo("example.com"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(UrlGrant.of(PLAYLIST, Instant.EPOCH))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verifiesCorrectlyFromManyThreadsAtOnce() throws Exception {
    UrlSigningKeys two = keys.rotateTo(UrlTestKeys.key("k2"));
    HmacUrlVerifier shared = new HmacUrlVerifier(two, clock);
    List<String> urls = List.of(signer.sign(UrlGrant.of("/live/a/1.ts", inFiveMinutes())),
        new HmacUrlSigner(two).sign(UrlGrant.of("/live/b/1.ts", inFiveMinutes())));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        jobs.add(() -> {
          for (int i = 0; i < 500; i++) {
            String u = urls.get(i % 2);
            int q = u.indexOf('?');
            if (!shared.verify(u.substring(0, q), u.substring(q + 1), null).valid()
                || shared.verify(u.substring(0, q).replace("1.ts", "2.ts"), u.substring(q + 1), null).valid()) {
              return false;
            }
          }
          return true;
        });
      }
      for (Future<Boolean> f : pool.invokeAll(jobs)) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectionsHaveFixedAsciiDescriptionsAndClientErrorStatuses() {
    for (UrlRejection r : UrlRejection.values()) {
      assertThat(r.description()).matches("[ -~]+");
      assertThat(r.httpStatus()).isBetween(400, 499);
      assertThat(UrlCheck.invalid(r)).isSameAs(r.asCheck());
    }
  }
}
