package dev.keycard.core.admin;

/**
 * Revokes one login session everywhere: its refresh-token family in the store and its {@code sid} on
 * the denylist, so its access tokens and playback URLs stop on every instance. The server passes
 * {@link dev.keycard.core.auth.AuthorizationServer#revokeSession}; a CLI command writes the same two
 * records to the store directly. Blocking.
 */
@FunctionalInterface
public interface SessionRevoker {
  void revoke(String sessionId);
}
