package dev.keycard.core.refresh;

/** A refresh token as handed to a client (shown once, stored only as a hash), with its family. */
public record IssuedRefreshToken(String value, RefreshTokenFamily family) {
  @Override
  public String toString() {
    return "IssuedRefreshToken[family=" + family.id() + "]";
  }
}
