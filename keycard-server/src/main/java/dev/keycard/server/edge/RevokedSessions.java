package dev.keycard.server.edge;

/**
 * The playback sessions the edge must refuse: revoked refresh-token families. Consulted for every
 * edge request, so implementations answer from memory: in one process the authorization server's own
 * denylist; a separate edge process would keep a local set current by polling (entries only need to
 * outlive the longest playback URL).
 */
@FunctionalInterface
public interface RevokedSessions {
  boolean isRevoked(String sessionId);
}
