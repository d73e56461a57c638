package dev.keycard.core.token;

/**
 * The outcome of checking a bearer token. A rejected token is ordinary traffic, so it is a value,
 * not an exception; exceptions from a verifier mean an infrastructure fault (a store is down).
 */
public sealed interface Verification {

  record Verified(AccessToken token) implements Verification {}

  record Rejected(Rejection reason) implements Verification {}

  static Verification rejected(Rejection reason) {
    return reason.asVerification();
  }
}
