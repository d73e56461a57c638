package dev.keycard.server.config;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code --tls-self-signed}: a certificate of keycard's own for trying TLS and HTTP/2 on one machine,
 * for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. An EC P-256 key and a certificate valid
 * for {@value #VALID_DAYS} days, made with Bouncy Castle (the JDK has no public API to build one) in
 * {@code DATA-DIR/tls/} and used again at the next start while it has more than a day left. Nothing
 * trusts it: browsers warn, and {@code curl --cacert DATA-DIR/tls/self-signed.pem} trusts exactly it.
 */
public final class SelfSignedCertificate {
  static final int VALID_DAYS = 30;
  public static final String CERTIFICATE = "self-signed.pem";
  public static final String KEY = "self-signed.key";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");

  private SelfSignedCertificate() {}

  /** The certificate and key in {@code dataDir/tls}, made now unless a current one is there. */
  public static TlsFiles inDataDir(Path dataDir, InstantSource clock) {
    Path dir = dataDir.resolve("tls");
    Path cert = dir.resolve(CERTIFICATE);
    Path key = dir.resolve(KEY);
    try {
      if (!stillGood(cert, key, clock.instant())) {
        Files.createDirectories(dir);
        issue(cert, key, LOCAL_NAMES, Duration.ofDays(VALID_DAYS), clock);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the self-signed certificate to " + dir, e);
    }
    return new TlsFiles(cert, key);
  }

  /**
   * A new EC P-256 key and a certificate for {@code names} (host names and IP literals), written to
   * {@code certFile} and {@code keyFile} (the key readable by its owner only), each beside its place
   * first and then moved, so a listener reloading them never reads half a file.
   */
  public static X509Certificate issue(Path certFile, Path keyFile, List<String> names, Duration validity,
      InstantSource clock) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + names.get(0));
      List<GeneralName> alternatives = new ArrayList<>();
      for (String name : names) {
        boolean address = name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        alternatives.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      Instant now = clock.instant();
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(alternatives.toArray(GeneralName[]::new)));
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      write(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()), true);
      write(certFile, pem(certificate), false);
      return certificate;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
  }

  private static boolean stillGood(Path cert, Path key, Instant now) {
    if (!Files.isReadable(cert) || !Files.isReadable(key)) {
      return false;
    }
    try (var in = Files.newInputStream(cert)) {
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return certificate.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(1)));
    } catch (IOException | GeneralSecurityException e) {
      return false; // unreadable: made again
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void write(Path file, String text, boolean secret) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    if (secret) {
      try {
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(partial); // not a POSIX file system
      }
    }
    Files.writeString(partial, text, StandardCharsets.US_ASCII);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
