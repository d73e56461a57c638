package dev.keycard.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads an unencrypted RSA private key in PEM PKCS #8 ({@code -----BEGIN PRIVATE KEY-----}), what
 * {@code openssl genpkey -algorithm RSA} writes. Messages name the file, never its content.
 */
public final class PemPrivateKey {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private PemPrivateKey() {}

  /** @throws IllegalArgumentException naming {@code option} when the file is unreadable or not such a key */
  public static PrivateKey readRsa(Path file, String option) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + file);
    }
    if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new IllegalArgumentException(option + " " + file + " is PKCS #1; convert it to PKCS #8: "
          + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
    }
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(option + " " + file + " holds no unencrypted PEM PKCS #8 key (" + BEGIN + ")");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(option + " " + file + " does not hold an RSA private key");
    }
  }
}
