package dev.keycard.core.signedurl;

/**
 * The digest of a CloudFront RSA signature. SHA-1 is CloudFront's original and default; SHA-256 is
 * announced by a {@code Hash-Algorithm=SHA256} parameter (or {@code CloudFront-Hash-Algorithm}
 * cookie), as the AWS SDK for Java 2.x writes it.
 */
public enum CloudFrontHash {
  SHA1("SHA1withRSA"),
  SHA256("SHA256withRSA");

  private final String jcaName;

  CloudFrontHash(String jcaName) {
    this.jcaName = jcaName;
  }

  /** The JCA {@link java.security.Signature} algorithm. */
  public String jcaName() {
    return jcaName;
  }

  /** The parameter value, or {@code null} for an unknown one. */
  static CloudFrontHash fromParameter(String value) {
    if (value == null || value.equals("SHA1")) {
      return SHA1;
    }
    return value.equals("SHA256") ? SHA256 : null;
  }
}
