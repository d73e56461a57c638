package dev.keycard.core.admin;

import dev.keycard.core.refresh.RefreshTokenFamily;

/** What revoking one session by its id did. */
public sealed interface SessionRevocation {
  /** The session is revoked now (it may have been already: revoking again changes nothing). */
  record Revoked(RefreshTokenFamily session) implements SessionRevocation {}

  /** No session has this id (never, or purged after its absolute expiry). */
  record Unknown() implements SessionRevocation {}
}
