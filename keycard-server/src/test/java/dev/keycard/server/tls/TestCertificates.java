package dev.keycard.server.tls;

import dev.keycard.server.config.SelfSignedCertificate;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for 127.0.0.1 and localhost, made in the test (no private key is committed),
 * written as the PEM files {@code --tls-cert} and {@code --tls-key} take.
 */
final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCertificates() {}

  /** A certificate and its key, and where they were written. */
  record Issued(X509Certificate certificate, Path certFile, Path keyFile) {
    BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  /** A new EC P-256 key and certificate, written to {@code certFile} and {@code keyFile} (replacing them). */
  static Issued issue(Path certFile, Path keyFile) throws Exception {
    X509Certificate certificate = SelfSignedCertificate.issue(certFile, keyFile, List.of("localhost", "127.0.0.1"),
        Duration.ofDays(1), InstantSource.system());
    return new Issued(certificate, certFile, keyFile);
  }

  /** A client context that trusts exactly {@code trusted}. */
  static SSLContext trusting(X509Certificate... trusted) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      store.setCertificateEntry("trusted-" + i, trusted[i]);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), RANDOM);
    return context;
  }
}
