package dev.keycard.core.refresh;

/**
 * Why a refresh token was not honoured: {@code invalid_grant} (RFC 6749 §5.2), except
 * {@link #SCOPE_NOT_GRANTED}, which is {@code invalid_scope} and leaves the token as it was.
 */
public enum RefreshRefusal {
  UNKNOWN("The refresh token is invalid"),
  EXPIRED("The refresh token expired"),
  REVOKED("The refresh token was revoked"),
  WRONG_CLIENT("The refresh token was issued to another client"),
  SCOPE_NOT_GRANTED("The requested scope exceeds what the refresh token grants");

  private final String description;

  RefreshRefusal(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
