package dev.keycard.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.server.config.SelfSignedCertificate;
import dev.keycard.server.config.TlsFiles;
import dev.keycard.server.testing.TestKeycard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tls-cert} and {@code --tls-key}: the API and the edge listeners speak TLS, HTTP/2 by ALPN
 * and HTTP/1.1 still, send {@code Strict-Transport-Security} only over TLS, and serve a renewed
 * certificate to new connections without a restart. A real server, real TLS clients (the JDK's).
 */
class TlsListenersTest {
  private static final String HSTS = "Strict-Transport-Security";

  @TempDir
  Path dir;
  private TestKeycard keycard;

  @AfterEach
  void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  @Test
  void theApiSpeaksHttp2ByAlpnAndHttp11StillWithHstsOnEveryAnswer() throws Exception {
    TestCertificates.Issued cert = startWithTls();
    SSLContext trust = TestCertificates.trusting(cert.certificate());

    HttpResponse<String> h2 = get(client(trust, HttpClient.Version.HTTP_2), api("/health"));
    HttpResponse<String> h1 = get(client(trust, HttpClient.Version.HTTP_1_1), api("/health"));

    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(h2.statusCode()).isEqualTo(200);
    assertThat(h2.headers().firstValue(HSTS)).hasValue("max-age=31536000");
    assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(h1.statusCode()).isEqualTo(200);
    assertThat(h1.headers().firstValue(HSTS)).hasValue("max-age=31536000");
  }

  @Test
  void aBearerProtectedCallAndALoginWorkOverHttp2() throws Exception {
    TestCertificates.Issued cert = startWithTls();
    keycard.addUser("viewer", "correct horse battery staple", "profile");
    HttpClient h2 = client(TestCertificates.trusting(cert.certificate()), HttpClient.Version.HTTP_2);

    HttpResponse<String> login = h2.send(HttpRequest.newBuilder(api("/auth/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"username\":\"viewer\",\"password\":\"correct horse battery staple\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    String token = login.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> me = h2.send(HttpRequest.newBuilder(api("/api/v1/me"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> anonymous = get(h2, api("/api/v1/me"));

    assertThat(login.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"sub\":\"viewer\"");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.startsWith("Bearer"));
  }

  @Test
  void theEdgeSpeaksTlsAndHttp2TooAndStreamStartSignsHttpsUrls() throws Exception {
    TestCertificates.Issued cert = startWithTls();
    HttpClient h2 = client(TestCertificates.trusting(cert.certificate()), HttpClient.Version.HTTP_2);

    HttpResponse<String> unsigned = get(h2, URI.create("https://127.0.0.1:" + keycard.server().edgePort()
        + "/live/demo/index.m3u8"));

    assertThat(unsigned.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(unsigned.statusCode()).isBetween(400, 499);
    assertThat(unsigned.headers().firstValue(HSTS)).hasValue("max-age=31536000");
    assertThat(keycard.server().edgeBaseUrl()).startsWith("https://");
  }

  @Test
  void plainHttpAnswersCarryNoHsts() throws Exception {
    keycard = TestKeycard.start(dir.resolve("data"));

    HttpResponse<String> plain = get(HttpClient.newHttpClient(), URI.create(
        "http://127.0.0.1:" + keycard.server().port() + "/health"));

    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue(HSTS)).isEmpty();
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
    TestCertificates.Issued first = startWithTls();
    TestCertificates.Issued renewed = TestCertificates.issue(first.certFile(), first.keyFile());
    SSLContext trustBoth = TestCertificates.trusting(first.certificate(), renewed.certificate());

    X509Certificate served = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      served = servedCertificate(trustBoth); // a new client, so a new connection, each time
      if (served.getSerialNumber().equals(renewed.serial())) {
        break;
      }
      Thread.sleep(200);
    }

    assertThat(served.getSerialNumber()).isEqualTo(renewed.serial());
  }

  @Test
  void aBrokenRenewalKeepsTheCertificateInService() throws Exception {
    TestCertificates.Issued first = startWithTls();
    SSLContext trust = TestCertificates.trusting(first.certificate());

    Files.writeString(first.keyFile(), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    // Two reload periods (2 s each) and a margin: the broken pair has been read and refused by then.
    Thread.sleep(5_000);

    assertThat(servedCertificate(trust).getSerialNumber()).isEqualTo(first.serial());
    assertThat(get(client(trust, HttpClient.Version.HTTP_2), api("/health")).statusCode()).isEqualTo(200);
  }

  @Test
  void theCertificateAndKeyGoTogetherAndMustBeReadable() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "x");

    assertThatThrownBy(() -> TlsFiles.of(cert, null)).hasMessageContaining("--tls-cert and --tls-key go together");
    assertThatThrownBy(() -> TlsFiles.of(cert, dir.resolve("missing.pem"))).hasMessageContaining("cannot read --tls-key");
    assertThat(TlsFiles.of(null, null)).isNull();
  }

  private TestCertificates.Issued startWithTls() throws Exception {
    TestCertificates.Issued cert = TestCertificates.issue(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")).withTls(new TlsFiles(cert.certFile(), cert.keyFile())),
        InstantSource.system());
    return cert;
  }

  @Test
  void aSelfSignedCertificateMadeInTheDataDirectoryServesHttp2ToAClientThatTrustsItAndIsKeptForTheNextStart()
      throws Exception {
    TlsFiles files = SelfSignedCertificate.inDataDir(dir, InstantSource.system());
    keycard = TestKeycard.start(dir, c -> c.withTls(files));
    X509Certificate made;
    try (var in = Files.newInputStream(files.certificate())) {
      made = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }

    HttpResponse<String> h2 = get(client(TestCertificates.trusting(made), HttpClient.Version.HTTP_2), api("/health"));

    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(h2.statusCode()).isEqualTo(200);
    assertThat(made.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))).toList())
        .contains("localhost", "127.0.0.1");
    assertThat(Files.getPosixFilePermissions(files.key())).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    byte[] first = Files.readAllBytes(files.certificate());
    SelfSignedCertificate.inDataDir(dir, InstantSource.system());
    assertThat(Files.readAllBytes(files.certificate())).isEqualTo(first);
  }

  private URI api(String path) {
    return URI.create("https://127.0.0.1:" + keycard.server().port() + path);
  }

  private X509Certificate servedCertificate(SSLContext trust) throws Exception {
    HttpResponse<String> response = get(client(trust, HttpClient.Version.HTTP_1_1), api("/health"));
    return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  private static HttpClient client(SSLContext trust, HttpClient.Version version) {
    return HttpClient.newBuilder().sslContext(trust).version(version).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
