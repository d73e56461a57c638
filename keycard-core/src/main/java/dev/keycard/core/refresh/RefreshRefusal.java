package dev.keycard.core.refresh;

/** Why a refresh token was not honoured; each answers {@code invalid_grant} (RFC 6749 §5.2). */
public enum RefreshRefusal {
  UNKNOWN("The refresh token is invalid"),
  EXPIRED("The refresh token expired"),
  REVOKED("The refresh token was revoked"),
  WRONG_CLIENT("The refresh token was issued to another client");

  private final String description;

  RefreshRefusal(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
