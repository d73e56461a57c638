package dev.keycard.server.edge;

/**
 * Told of each request the edge accepts for a playback session, on the event loop: anomaly detection
 * counts the addresses a session's URLs are fetched from. Must answer from memory.
 */
@FunctionalInterface
public interface PlaybackUse {
  PlaybackUse IGNORED = (sessionId, clientIp) -> { };

  /** @param clientIp the viewer's address by the trusted-proxy rule, or {@code null} */
  void used(String sessionId, String clientIp);
}
