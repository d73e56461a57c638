package dev.keycard.server.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files a TLS listener serves: a certificate chain (the server's certificate first) and its
 * private key (PKCS#8, or PKCS#1 RSA / SEC 1 EC). Read again whenever they change, so that a renewed
 * certificate (certbot, cert-manager) is served without a restart.
 *
 * @param certificate {@code --tls-cert}
 * @param key         {@code --tls-key}
 */
public record TlsFiles(Path certificate, Path key) {
  public TlsFiles {
    require(certificate != null && key != null, "--tls-cert and --tls-key go together: give both or neither");
    require(Files.isReadable(certificate), "cannot read --tls-cert " + certificate);
    require(Files.isReadable(key), "cannot read --tls-key " + key);
  }

  /** The files of {@code --tls-cert} and {@code --tls-key}, or {@code null} when neither is given. */
  public static TlsFiles of(Path certificate, Path key) {
    return certificate == null && key == null ? null : new TlsFiles(certificate, key);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
