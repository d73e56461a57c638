package dev.keycard.server.config;

/** How access tokens are minted: self-contained JWTs (RFC 9068) or opaque handles looked up in the store. */
public enum TokenFormat {
  JWT, OPAQUE
}
