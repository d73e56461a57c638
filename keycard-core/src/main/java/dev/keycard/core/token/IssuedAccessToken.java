package dev.keycard.core.token;

/**
 * An access token as handed to a client, with what it says.
 *
 * @param value  the serialized token (a compact JWS, or an opaque string)
 * @param claims what the token grants
 */
public record IssuedAccessToken(String value, AccessToken claims) {
  @Override
  public String toString() {
    return "IssuedAccessToken[jti=" + claims.tokenId() + "]";
  }
}
