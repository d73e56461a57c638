package dev.keycard.core.refresh;

import java.util.Objects;

/** A stored refresh token with its family, as a refresh reads them before deciding. */
public record TokenInFamily(RefreshTokenRecord token, RefreshTokenFamily family) {
  public TokenInFamily {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(family, "family");
    if (!token.familyId().equals(family.id())) {
      throw new IllegalArgumentException("the token belongs to another family");
    }
  }
}
