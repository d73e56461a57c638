package dev.keycard.server.cli;

import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.PemPrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * nginx and CloudFront delivery options, shared by {@code serve}, {@code demo}, {@code sign-url} and
 * {@code nginx-config} so that they read the same secrets from the same places. Secrets are read
 * from a file or an environment variable, never from a flag value (flags show up in {@code ps}).
 */
final class CdnOptions {
  static final String ORIGIN_SECRET_ENV = "KEYCARD_ORIGIN_SECRET";
  static final String NGINX_SECRET_ENV = "KEYCARD_NGINX_SECRET";

  @Option(names = "--media-base-url", paramLabel = "URL",
      description = "nginx and cloudfront schemes: how players reach nginx or CloudFront, e.g. https://media.example.com.")
  String mediaBaseUrl;

  @Option(names = "--origin-secret-file", paramLabel = "FILE",
      description = "A file holding the secret nginx or a CDN sends as Keycard-Origin-Secret when it pulls "
          + "GET /origin/{stream}/{file} (32+ characters). Alternatively " + ORIGIN_SECRET_ENV + ". "
          + "Without one, /origin/ answers 404.")
  Path originSecretFile;

  @Option(names = "--nginx-secret-file", paramLabel = "FILE",
      description = "nginx scheme: a file holding the secure_link_md5 secret (32+ characters). "
          + "Alternatively " + NGINX_SECRET_ENV + ".")
  Path nginxSecretFile;

  @Option(names = "--cloudfront-key-pair-id", paramLabel = "ID",
      description = "cloudfront scheme: the id of the public key in the distribution's key group.")
  String cloudFrontKeyPairId;

  @Option(names = "--cloudfront-private-key-file", paramLabel = "FILE",
      description = "cloudfront scheme: the matching RSA private key, PEM PKCS #8 (BEGIN PRIVATE KEY).")
  Path cloudFrontPrivateKeyFile;

  @Option(names = "--cloudfront-cookie-domain", paramLabel = "DOMAIN",
      description = "cloudfront scheme: the Domain of the signed cookies (e.g. example.com for api.example.com "
          + "and media.example.com). Default: host-only cookies.")
  String cloudFrontCookieDomain;

  /** @throws IllegalArgumentException naming the option or variable that is wrong */
  CdnConfig toConfig(Map<String, String> environment) {
    return new CdnConfig(
        secret(originSecretFile, "--origin-secret-file", environment.get(ORIGIN_SECRET_ENV)),
        blankToNull(mediaBaseUrl),
        secret(nginxSecretFile, "--nginx-secret-file", environment.get(NGINX_SECRET_ENV)),
        blankToNull(cloudFrontKeyPairId),
        cloudFrontPrivateKeyFile == null ? null : PemPrivateKey.readRsa(cloudFrontPrivateKeyFile, "--cloudfront-private-key-file"),
        blankToNull(cloudFrontCookieDomain));
  }

  /** The file wins over the variable, as for the HS256 secret. */
  private static String secret(Path file, String option, String fromEnvironment) {
    if (file != null) {
      try {
        // Trailing newlines from `echo > file` are not part of the secret.
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + option + " " + file);
      }
    }
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
