package dev.keycard.core.token;

/**
 * Why a bearer token was refused. Descriptions are fixed ASCII text: nothing from the token or from a
 * library message ever reaches a client (a copied parser message once leaked payloads into
 * {@code WWW-Authenticate}, spring-security #5517).
 */
public enum Rejection {
  TOO_LARGE("The access token is too large"),
  MALFORMED("The access token is malformed"),
  WRONG_TYPE("The access token has the wrong type"),
  ALGORITHM_NOT_ALLOWED("The access token algorithm is not allowed"),
  UNTRUSTED_HEADER("The access token header is not accepted"),
  UNKNOWN_KEY("The access token was signed by an unknown key"),
  BAD_SIGNATURE("The access token signature is invalid"),
  EXPIRED("The access token expired"),
  NOT_YET_VALID("The access token is not yet valid"),
  WRONG_ISSUER("The access token has the wrong issuer"),
  WRONG_AUDIENCE("The access token is not meant for this resource"),
  MISSING_CLAIM("The access token lacks a required claim"),
  REVOKED("The access token was revoked"),
  UNKNOWN_TOKEN("The access token is not recognised");

  private final String description;
  private final Verification.Rejected asVerification;

  Rejection(String description) {
    this.description = description;
    this.asVerification = new Verification.Rejected(this);
  }

  public String description() {
    return description;
  }

  /** A shared instance: rejecting allocates nothing. */
  public Verification.Rejected asVerification() {
    return asVerification;
  }
}
