package dev.keycard.core.signedurl;

/**
 * Why a signed URL was refused. Descriptions are fixed ASCII text: nothing from the URL or from a
 * library message ever reaches a client. Each reason carries the HTTP status an edge should answer
 * with, as a plain {@code int} so the core never imports a web type; {@link #EXPIRED} answers 410 as
 * nginx's {@code secure_link} examples do, so a player can tell "ask the API for a fresh URL" apart
 * from "you may not".
 */
public enum UrlRejection {
  MISSING_SIGNATURE(403, "The URL is not signed"),
  MALFORMED(400, "The signed URL is malformed"),
  DUPLICATE_PARAMETER(400, "The signed URL repeats a parameter"),
  PATH_TRAVERSAL(400, "The URL path is not allowed"),
  UNKNOWN_KEY(403, "The URL was signed by an unknown key"),
  BAD_SIGNATURE(403, "The URL signature is invalid"),
  WRONG_SCOPE(403, "The URL was not signed for this resource"),
  WRONG_CLIENT(403, "The URL was signed for another client"),
  NOT_YET_VALID(403, "The signed URL is not yet valid"),
  EXPIRED(410, "The signed URL expired");

  private final int httpStatus;
  private final String description;
  private final UrlCheck.Invalid asCheck;

  UrlRejection(int httpStatus, String description) {
    this.httpStatus = httpStatus;
    this.description = description;
    this.asCheck = new UrlCheck.Invalid(this);
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String description() {
    return description;
  }

  /** A shared instance: rejecting allocates nothing. */
  public UrlCheck.Invalid asCheck() {
    return asCheck;
  }
}
